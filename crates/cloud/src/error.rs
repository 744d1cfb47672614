//! Domain refusals, each carrying the AWS error code (and so the HTTP status) AWS would give.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: &'static str,
    pub message: String,
    /// The `Reason` member some services' errors carry (Organizations).
    pub reason: Option<&'static str>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            reason: None,
        }
    }

    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// The HTTP status AWS sends with this code.
    pub fn status(&self) -> u16 {
        match self.code {
            "UnauthorizedOperation" | "AccessDenied" => 403,
            "NoSuchEntity" => 404,
            "EntityAlreadyExists" | "DeleteConflict" | "LimitExceeded" => 409,
            "PermissionAlreadyExistsException" => 409,
            "AuthFailure" => 401,
            "DryRunOperation" => 412,
            "RequestLimitExceeded" => 503,
            "InternalError" => 500,
            _ => 400,
        }
    }

    pub fn invalid_value(message: impl Into<String>) -> Self {
        Error::new("InvalidParameterValue", message)
    }

    pub fn missing(param: &str) -> Self {
        Error::new(
            "MissingParameter",
            format!("The request must contain the parameter {param}"),
        )
    }

    pub fn unauthorized() -> Self {
        Error::new(
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        )
    }

    pub fn dependency(message: impl Into<String>) -> Self {
        Error::new("DependencyViolation", message)
    }

    pub fn vpc_not_found(id: &str) -> Self {
        Error::new(
            "InvalidVpcID.NotFound",
            format!("The vpc ID '{id}' does not exist"),
        )
    }

    pub fn subnet_not_found(id: &str) -> Self {
        Error::new(
            "InvalidSubnetID.NotFound",
            format!("The subnet ID '{id}' does not exist"),
        )
    }

    pub fn group_not_found(id: &str) -> Self {
        Error::new(
            "InvalidGroup.NotFound",
            format!("The security group '{id}' does not exist"),
        )
    }

    pub fn eni_not_found(id: &str) -> Self {
        Error::new(
            "InvalidNetworkInterfaceID.NotFound",
            format!("The network interface ID '{id}' does not exist"),
        )
    }

    pub fn instance_not_found(id: &str) -> Self {
        Error::new(
            "InvalidInstanceID.NotFound",
            format!("The instance ID '{id}' does not exist"),
        )
    }

    pub fn rule_not_found(id: &str) -> Self {
        Error::new(
            "InvalidSecurityGroupRuleId.NotFound",
            format!("The security group rule ID '{id}' does not exist"),
        )
    }

    /// `Invalid<Thing>Id.Malformed` for an id without the expected prefix.
    pub fn malformed(code: &'static str, id: &str, prefix: &str) -> Self {
        Error::new(
            code,
            format!("Invalid id: \"{id}\" (expecting \"{prefix}-...\")"),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

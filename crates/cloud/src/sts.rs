//! STS's side of IAM: who an authenticated ARN is, and AssumeRole — the role's trust policy
//! decides, and the session it creates carries its own keys, expiry and session policies.

use crate::error::{Error, Result};
use crate::iam::{Identity, Session};
use crate::ids::Ids;
use crate::model::{AccountId, Millis};
use crate::{Cloud, Outcome};

const SESSION_DEFAULT_SECONDS: i64 = 3600;

/// `aws:CurrentTime`'s form: ISO 8601 in UTC, to the second.
fn iso8601(at: Millis) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(at / 1000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// What an AssumeRole asks for, as logged.
pub(crate) struct AssumeRequest<'a> {
    pub caller_arn: &'a str,
    pub role_arn: &'a str,
    pub session_name: &'a str,
    pub external_id: Option<&'a str>,
    pub policy: Option<&'a str>,
    pub policy_arns: &'a [String],
}

/// The most plaintext session policies may hold, inline and managed ARNs together.
const SESSION_POLICY_MAX: usize = 2048;

/// How much of the session-policy allowance a request uses, as AssumeRole reports it.
pub fn packed_policy_percent(policy: Option<&str>, arns: &[String]) -> i32 {
    let used = policy.map_or(0, str::len) + arns.iter().map(String::len).sum::<usize>();
    (used * 100 / SESSION_POLICY_MAX) as i32
}

pub fn parse_role_arn(arn: &str) -> Option<(AccountId, String)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    Some((account.to_string(), name.to_string()))
}

impl Cloud {
    /// The identity behind an authenticated ARN, as the engine logged it.
    fn identity_of_arn(&self, arn: &str) -> Option<Identity> {
        let rest = arn.strip_prefix("arn:aws:")?;
        let (service, rest) = rest.split_once("::")?;
        let (account, resource) = rest.split_once(':')?;
        let account = account.to_string();
        match (service, resource) {
            ("iam", "root") => Some(Identity::Root { account }),
            ("iam", r) if r.starts_with("user/") => {
                let name = r.rsplit('/').next()?;
                let u = self.user(&account, name).ok()?;
                Some(Identity::User {
                    account,
                    name: u.name.clone(),
                    path: u.path.clone(),
                    id: u.id.clone(),
                })
            }
            ("sts", r) if r.starts_with("assumed-role/") => {
                let mut parts = r.split('/').skip(1);
                let role_name = parts.next()?.to_string();
                let session_name = parts.next()?.to_string();
                let role = self.role(&account, &role_name).ok()?;
                Some(Identity::Session {
                    account,
                    role_path: role.path.clone(),
                    role_id: role.id.clone(),
                    role_name,
                    session_name,
                    expires: 0,
                })
            }
            _ => None,
        }
    }

    pub(crate) fn assume_role(
        &mut self,
        ids: &mut Ids,
        at: Millis,
        request: AssumeRequest<'_>,
        duration: Option<i64>,
    ) -> Result<Outcome> {
        let AssumeRequest {
            caller_arn,
            role_arn,
            session_name,
            external_id,
            policy,
            policy_arns,
        } = request;
        let denied = || {
            Error::new(
                "AccessDenied",
                format!("User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"),
            )
        };
        let caller = self.identity_of_arn(caller_arn).ok_or_else(denied)?;
        if matches!(caller, Identity::Root { .. }) {
            return Err(Error::new(
                "AccessDenied",
                "Roles may not be assumed by root accounts.",
            ));
        }
        let valid_session = (2..=64).contains(&session_name.len())
            && session_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
        if !valid_session {
            return Err(Error::new(
                "ValidationError",
                format!("1 validation error detected: Value '{session_name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
            ));
        }
        let (account, name) = parse_role_arn(role_arn)
            .ok_or_else(|| Error::new("ValidationError", format!("{role_arn} is invalid")))?;
        let role = self.role(&account, &name).map_err(|_| denied())?;
        let trust = policy::Document::parse(&role.trust_policy).map_err(|_| denied())?;
        let who = policy::Caller {
            names: caller.principal_names(),
        };
        let mut context = policy::Context::new();
        context
            .set("aws:PrincipalArn", caller_arn)
            .set("aws:PrincipalAccount", caller.account())
            .set("sts:RoleSessionName", session_name)
            .set("aws:CurrentTime", iso8601(at))
            .set("aws:EpochTime", (at / 1000).to_string());
        if let Some(external_id) = external_id {
            context.set("sts:ExternalId", external_id);
        }
        // Decided when the command was accepted; a replay applies it as it was then.
        if !self.replaying
            && trust.decide_for(&who, "sts:AssumeRole", &context) != policy::Decision::Allowed
        {
            return Err(denied());
        }
        let seconds = duration.unwrap_or(SESSION_DEFAULT_SECONDS);
        let chained = matches!(caller, Identity::Session { .. });
        let max = if chained {
            3600
        } else {
            role.max_session_seconds
        };
        if !(900..=max).contains(&seconds) {
            return Err(Error::new(
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ));
        }
        if !self.replaying {
            if packed_policy_percent(policy, policy_arns) > 100 {
                return Err(Error::new(
                    "PackedPolicyTooLarge",
                    "Packed size of the session policies exceeds the allowed maximum.",
                ));
            }
            if let Some(text) = policy {
                policy::Document::parse_as(text, policy::Kind::Identity)
                    .map_err(|e| Error::new("MalformedPolicyDocument", e))?;
            }
            if policy_arns.len() > 10 {
                return Err(Error::new(
                    "ValidationError",
                    "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
                ));
            }
            for arn in policy_arns {
                self.check_policy_arn(&account, arn)?;
            }
        }
        let key_id = format!("ASIA{}", ids.hex(16).to_uppercase());
        let session = Session {
            key_id: key_id.clone(),
            secret: ids.secret(),
            token: format!("FwoGZXIvYXdzE{}", ids.hex(64) + &ids.hex(64)),
            account: role.account.clone(),
            role_name: role.name.clone(),
            role_id: role.id.clone(),
            session_name: session_name.to_string(),
            expires: at + seconds * 1000,
            policy: policy.map(str::to_string),
            policy_arns: policy_arns.to_vec(),
        };
        // Expired sessions are of no use to anyone; dropping them keeps the map bounded.
        self.iam.sessions.retain(|_, s| s.expires > at);
        self.iam.sessions.insert(key_id.clone(), session);
        Ok(Outcome::Id(key_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_parse() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/a/b/Admin"),
            Some(("123456789012".into(), "Admin".into()))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::1234:role/x"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/x"), None);
    }
}

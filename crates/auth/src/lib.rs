//! SigV4 credentials: what the `Authorization` header (or a presigned query) says about who is
//! calling, for which Region and service.

/// The credential scope of a SigV4-signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No credentials at all.
    Missing,
    /// Something that is not a well-formed SigV4 credential.
    Malformed(String),
}

/// Parse `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ec2/aws4_request,
/// SignedHeaders=host;x-amz-date, Signature=hex`.
pub fn parse_authorization(header: &str) -> Result<Credential, AuthError> {
    let rest = header
        .strip_prefix("AWS4-HMAC-SHA256")
        .ok_or_else(|| AuthError::Malformed("only AWS4-HMAC-SHA256 is supported".into()))?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let credential = credential.ok_or_else(|| {
        AuthError::Malformed("Authorization header requires 'Credential' parameter.".into())
    })?;
    let signature = signature.ok_or_else(|| {
        AuthError::Malformed("Authorization header requires 'Signature' parameter.".into())
    })?;
    let signed = signed.ok_or_else(|| {
        AuthError::Malformed("Authorization header requires 'SignedHeaders' parameter.".into())
    })?;
    scope(credential, signed, signature)
}

/// Parse the `X-Amz-Credential` style scope `AKID/date/region/service/aws4_request`.
pub fn scope(credential: &str, signed: &str, signature: &str) -> Result<Credential, AuthError> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, terminator] = parts[..] else {
        return Err(AuthError::Malformed(format!(
            "Credential should be scoped to a valid region, not '{credential}'."
        )));
    };
    let ok_akid =
        !akid.is_empty() && akid.len() <= 128 && akid.chars().all(|c| c.is_ascii_alphanumeric());
    let ok_region = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok_akid || !ok_region || terminator != "aws4_request" || service.is_empty() {
        return Err(AuthError::Malformed(format!(
            "Credential should be scoped correctly, not '{credential}'."
        )));
    }
    Ok(Credential {
        access_key_id: akid.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed.split(';').map(str::to_string).collect(),
        signature: signature.to_string(),
    })
}

/// A 12-digit access key id names the root user of that account.
pub fn account_of_key(access_key_id: &str) -> Option<&str> {
    (access_key_id.len() == 12 && access_key_id.bytes().all(|b| b.is_ascii_digit()))
        .then_some(access_key_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_header_botocore_sends() {
        let c = parse_authorization("AWS4-HMAC-SHA256 Credential=111111111111/20261128/eu-west-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc").unwrap();
        assert_eq!(c.access_key_id, "111111111111");
        assert_eq!(c.region, "eu-west-1");
        assert_eq!(c.service, "ec2");
        assert_eq!(c.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert_eq!(account_of_key(&c.access_key_id), Some("111111111111"));
        assert_eq!(account_of_key("AKIAEXAMPLE"), None);
    }

    #[test]
    fn refuses_what_is_not_sigv4() {
        assert!(parse_authorization("Basic abc").is_err());
        assert!(parse_authorization(
            "AWS4-HMAC-SHA256 Credential=a/b/c, Signature=x, SignedHeaders=h"
        )
        .is_err());
        assert!(parse_authorization(
            "AWS4-HMAC-SHA256 Credential=a/b/../ec2/aws4_request, Signature=x, SignedHeaders=h"
        )
        .is_err());
    }
}

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

/// What of a request its SigV4 signature covers, as received.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent (still percent-encoded).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Every header, names in any case.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    use hmac::Mac;
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// SigV4's encoding: everything but unreserved characters (and `/` in paths) as `%XX`.
fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
        if unreserved || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Credential {
    /// Whether the signature is the one `secret` makes over this request. The payload hash is
    /// `x-amz-content-sha256` when sent, `UNSIGNED-PAYLOAD` for presigned queries, else the
    /// body's; the date is `x-amz-date` (header or presigned query).
    pub fn verify(&self, secret: &str, request: &SignedRequest) -> bool {
        let header = |name: &str| -> Vec<&str> {
            request
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
                .collect()
        };
        let presigned = request.query.contains("X-Amz-Signature=");
        let mut pairs: Vec<(&str, &str)> = request
            .query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .filter(|(k, _)| *k != "X-Amz-Signature")
            .collect();
        pairs.sort_unstable();
        let query = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let amz_date = header("x-amz-date")
            .first()
            .map(|d| d.to_string())
            .or_else(|| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == "X-Amz-Date")
                    .map(|(_, v)| v.to_string())
            });
        let Some(amz_date) = amz_date else {
            return false;
        };
        let mut canonical_headers = String::new();
        for name in &self.signed_headers {
            let values = header(name);
            let joined = values
                .iter()
                .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join(",");
            canonical_headers.push_str(&format!("{}:{}\n", name.to_ascii_lowercase(), joined));
        }
        let payload = match header("x-amz-content-sha256").first() {
            Some(h) => h.to_string(),
            None if presigned => "UNSIGNED-PAYLOAD".to_string(),
            None => sha256_hex(request.body),
        };
        let canonical_request = format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            request.method,
            uri_encode(
                if request.path.is_empty() {
                    "/"
                } else {
                    request.path
                },
                true
            ),
            query,
            canonical_headers,
            self.signed_headers.join(";"),
            payload
        );
        let scope = format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        );
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            sha256_hex(canonical_request.as_bytes())
        );
        let key = self.signing_key(secret);
        hex::encode(hmac(&key, string_to_sign.as_bytes())) == self.signature.to_ascii_lowercase()
    }

    /// The key derived from the secret for this credential's day, Region and service. It only
    /// changes daily, so each thread keeps the last one it derived (as the SDKs do).
    fn signing_key(&self, secret: &str) -> Vec<u8> {
        thread_local! {
            static LAST: std::cell::RefCell<Option<(String, Vec<u8>)>> = const { std::cell::RefCell::new(None) };
        }
        let scope = format!("{secret}\n{}\n{}\n{}", self.date, self.region, self.service);
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((s, key)) = last.as_ref() {
                if *s == scope {
                    return key.clone();
                }
            }
            let mut key = hmac(format!("AWS4{secret}").as_bytes(), self.date.as_bytes());
            for part in [&self.region, &self.service, "aws4_request"] {
                key = hmac(&key, part.as_bytes());
            }
            *last = Some((scope, key.clone()));
            key
        })
    }
}

/// A 12-digit access key id names the root user of that account.
pub fn account_of_key(access_key_id: &str) -> Option<&str> {
    (access_key_id.len() == 12 && access_key_id.bytes().all(|b| b.is_ascii_digit()))
        .then_some(access_key_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of AWS's SigV4 documentation (IAM ListUsers, its example key).
    #[test]
    fn verifies_the_documented_example() {
        let credential = parse_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7").unwrap();
        let headers = [
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ];
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: &headers,
            body: b"",
        };
        assert!(credential.verify("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &request));
        assert!(!credential.verify("another secret", &request));
        let tampered = SignedRequest {
            query: "Action=ListUsers&Version=2010-05-09",
            ..request
        };
        assert!(!credential.verify("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &tampered));
    }

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

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

impl Credential {
    /// Whether the signature is the one `secret` makes over this request. The payload hash is
    /// `x-amz-content-sha256` when sent, `UNSIGNED-PAYLOAD` for presigned queries, else the
    /// body's; the date is `x-amz-date` (header or presigned query).
    pub fn verify(&self, secret: &str, request: &SignedRequest) -> bool {
        use sha2::Digest;
        // Every request of an issued key comes through here: the canonical request is fed to
        // the hash piece by piece rather than assembled, and nothing is allocated but the
        // sorted query (empty for POSTed forms).
        fn values<'a>(
            headers: &'a [(&'a str, &'a str)],
            name: &'a str,
        ) -> impl Iterator<Item = &'a str> + 'a {
            headers
                .iter()
                .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        }
        let header = |name| values(request.headers, name);
        let presigned = request.query.contains("X-Amz-Signature=");
        let mut pairs: Vec<(&str, &str)> = request
            .query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .filter(|(k, _)| *k != "X-Amz-Signature")
            .collect();
        pairs.sort_unstable();
        let amz_date = header("x-amz-date").next().or_else(|| {
            pairs
                .iter()
                .find(|(k, _)| *k == "X-Amz-Date")
                .map(|(_, v)| *v)
        });
        let Some(amz_date) = amz_date else {
            return false;
        };

        let mut canonical = sha2::Sha256::new();
        canonical.update(request.method.as_bytes());
        canonical.update(b"\n");
        let path = if request.path.is_empty() {
            "/"
        } else {
            request.path
        };
        uri_encode_into(path, true, &mut |bytes| canonical.update(bytes));
        canonical.update(b"\n");
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                canonical.update(b"&");
            }
            canonical.update(k.as_bytes());
            canonical.update(b"=");
            canonical.update(v.as_bytes());
        }
        canonical.update(b"\n");
        for name in &self.signed_headers {
            for b in name.bytes() {
                canonical.update([b.to_ascii_lowercase()]);
            }
            canonical.update(b":");
            for (i, value) in header(name).enumerate() {
                if i > 0 {
                    canonical.update(b",");
                }
                for (j, word) in value.split_whitespace().enumerate() {
                    if j > 0 {
                        canonical.update(b" ");
                    }
                    canonical.update(word.as_bytes());
                }
            }
            canonical.update(b"\n");
        }
        canonical.update(b"\n");
        for (i, name) in self.signed_headers.iter().enumerate() {
            if i > 0 {
                canonical.update(b";");
            }
            canonical.update(name.as_bytes());
        }
        canonical.update(b"\n");
        match header("x-amz-content-sha256").next() {
            Some(h) => canonical.update(h.as_bytes()),
            None if presigned => canonical.update(b"UNSIGNED-PAYLOAD"),
            None => canonical.update(hex_of(&sha2::Sha256::digest(request.body))),
        }

        use hmac::Mac;
        let mut mac = self.signing_mac(secret);
        mac.update(b"AWS4-HMAC-SHA256\n");
        mac.update(amz_date.as_bytes());
        mac.update(b"\n");
        for (i, part) in [&*self.date, &self.region, &self.service, "aws4_request"]
            .iter()
            .enumerate()
        {
            if i > 0 {
                mac.update(b"/");
            }
            mac.update(part.as_bytes());
        }
        mac.update(b"\n");
        mac.update(&hex_of(&canonical.finalize()));
        let expected = hex_of(&mac.finalize().into_bytes());
        expected.eq_ignore_ascii_case(self.signature.as_bytes())
    }

    /// An HMAC keyed with the key derived from the secret for this credential's day, Region
    /// and service. The key only changes daily, so each thread keeps the last one it derived
    /// (as the SDKs do), already keyed: a request pays for its own message only.
    fn signing_mac(&self, secret: &str) -> HmacSha256 {
        use hmac::Mac;
        struct Derived {
            secret: String,
            date: String,
            region: String,
            service: String,
            mac: HmacSha256,
        }
        thread_local! {
            static LAST: std::cell::RefCell<Option<Derived>> = const { std::cell::RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some(d) = last.as_ref() {
                if d.secret == secret
                    && d.date == self.date
                    && d.region == self.region
                    && d.service == self.service
                {
                    return d.mac.clone();
                }
            }
            let mut key = hmac(format!("AWS4{secret}").as_bytes(), self.date.as_bytes());
            for part in [&self.region, &self.service, "aws4_request"] {
                key = hmac(&key, part.as_bytes());
            }
            let mac = HmacSha256::new_from_slice(&key).expect("HMAC takes any key length");
            *last = Some(Derived {
                secret: secret.to_string(),
                date: self.date.clone(),
                region: self.region.clone(),
                service: self.service.clone(),
                mac: mac.clone(),
            });
            mac
        })
    }
}

/// Lower-case hex of a 32-byte digest, without allocating.
fn hex_of(digest: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in digest.iter().take(32).enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    out
}

/// SigV4's encoding: everything but unreserved characters (and `/` in paths) as `%XX`, handed
/// to `sink` in pieces.
fn uri_encode_into(text: &str, keep_slash: bool, sink: &mut dyn FnMut(&[u8])) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
        if unreserved || (keep_slash && b == b'/') {
            continue;
        }
        sink(&bytes[start..i]);
        sink(&[b'%', DIGITS[(b >> 4) as usize], DIGITS[(b & 15) as usize]]);
        start = i + 1;
    }
    sink(&bytes[start..]);
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

//! STS's side of IAM: who an authenticated ARN is, and AssumeRole — the role's trust policy
//! decides, and the session it creates carries its own keys, expiry and session policies.

use crate::error::{Error, Result};
use crate::iam::{Identity, Session};
use crate::ids::Ids;
use crate::model::{AccountId, Millis, Tag};
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
    pub tags: &'a [Tag],
    pub transitive_tag_keys: &'a [String],
    pub source_identity: Option<&'a str>,
    pub caller_key: Option<&'a str>,
}

/// GetSessionToken's limits: 15 minutes to 36 hours, 12 hours unless asked.
const USER_SESSION_SECONDS: (i64, i64, i64) = (900, 129_600, 43_200);

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
            tags,
            transitive_tag_keys,
            source_identity,
            caller_key,
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
        // Role chaining carries the caller's transitive tags and source identity along.
        let from = caller_key
            .and_then(|k| self.iam.sessions.get(k))
            .filter(|s| s.user.is_none());
        let mut session_tags: Vec<Tag> = Vec::new();
        let mut transitive: Vec<String> = Vec::new();
        if let Some(f) = from {
            for key in &f.transitive_tag_keys {
                if let Some(t) = f.tags.iter().find(|t| t.key.eq_ignore_ascii_case(key)) {
                    session_tags.push(t.clone());
                    transitive.push(t.key.clone());
                }
            }
        }
        let source_identity = match (
            from.and_then(|f| f.source_identity.as_deref()),
            source_identity,
        ) {
            (Some(kept), Some(asked)) if kept != asked => {
                return Err(Error::new(
                    "InvalidParameterValue",
                    "The source identity of a chained session cannot be changed.",
                ))
            }
            (Some(kept), _) => Some(kept.to_string()),
            (None, asked) => asked.map(str::to_string),
        };
        if !self.replaying {
            validate_session_tags(tags, transitive_tag_keys, &session_tags)?;
        }
        session_tags.extend(tags.iter().cloned());
        transitive.extend(transitive_tag_keys.iter().cloned());
        for t in tags {
            context.set(&format!("aws:RequestTag/{}", t.key), t.value.as_str());
        }
        if !tags.is_empty() {
            context.set_all("aws:TagKeys", tags.iter().map(|t| t.key.clone()));
        }
        if !transitive_tag_keys.is_empty() {
            context.set_all("sts:TransitiveTagKeys", transitive_tag_keys.iter().cloned());
        }
        if let Some(id) = &source_identity {
            context.set("sts:SourceIdentity", id.as_str());
        }
        // Decided when the command was accepted; a replay applies it as it was then. Session
        // tags need sts:TagSession in the trust policy, a source identity sts:SetSourceIdentity.
        if !self.replaying {
            let mut actions = vec!["sts:AssumeRole"];
            if !tags.is_empty() {
                actions.push("sts:TagSession");
            }
            if request_sets_identity(source_identity.as_deref(), from) {
                actions.push("sts:SetSourceIdentity");
            }
            for action in actions {
                if trust.decide_for(&who, action, &context) != policy::Decision::Allowed {
                    return Err(Error::new(
                        "AccessDenied",
                        format!("User: {caller_arn} is not authorized to perform: {action} on resource: {role_arn}"),
                    ));
                }
            }
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
            user: None,
            tags: session_tags,
            transitive_tag_keys: transitive,
            source_identity,
        };
        // Expired sessions are of no use to anyone; dropping them keeps the map bounded.
        self.iam.sessions.retain(|_, s| s.expires > at);
        self.iam.sessions.insert(key_id.clone(), session);
        Ok(Outcome::Id(key_id))
    }
}

/// Whether a request sets a new source identity (rather than carrying its caller's).
fn request_sets_identity(identity: Option<&str>, from: Option<&crate::iam::Session>) -> bool {
    identity.is_some() && from.and_then(|f| f.source_identity.as_deref()).is_none()
}

/// AWS's limits on session tags: 50 tags, keys up to 128 characters and values up to 256,
/// transitive keys among the tags, and no tag that overrides one carried from the caller.
fn validate_session_tags(tags: &[Tag], transitive: &[String], carried: &[Tag]) -> Result<()> {
    let invalid = |m: &str| Err(Error::new("InvalidParameterValue", m));
    if tags.len() > 50 {
        return invalid("Session tags exceed the maximum of 50.");
    }
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 || t.value.chars().count() > 256 {
            return invalid(
                "A session tag key must have 1 to 128 characters and its value at most 256.",
            );
        }
        if carried.iter().any(|c| c.key.eq_ignore_ascii_case(&t.key)) {
            return invalid(
                "A session tag cannot override a transitive tag of the calling session.",
            );
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for t in tags {
        let lower = t.key.to_lowercase();
        if seen.contains(&lower) {
            return invalid(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            );
        }
        seen.push(lower);
    }
    if let Some(k) = transitive
        .iter()
        .find(|k| !tags.iter().any(|t| t.key.eq_ignore_ascii_case(k)))
    {
        return Err(Error::new(
            "InvalidParameterValue",
            format!("The transitive tag key {k} is not a session tag of this request."),
        ));
    }
    Ok(())
}

impl Cloud {
    /// GetSessionToken: temporary credentials for an IAM user, speaking for that user.
    pub(crate) fn session_token(
        &mut self,
        ids: &mut Ids,
        at: Millis,
        caller_arn: &str,
        duration: Option<i64>,
    ) -> Result<Outcome> {
        let Some(Identity::User { account, name, .. }) = self.identity_of_arn(caller_arn) else {
            return Err(Error::new(
                "AccessDenied",
                "Cannot call GetSessionToken with session credentials",
            ));
        };
        let (min, max, default) = USER_SESSION_SECONDS;
        let seconds = duration.unwrap_or(default);
        if !(min..=max).contains(&seconds) {
            return Err(Error::new(
                "ValidationError",
                format!("1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between {min} and {max}"),
            ));
        }
        let key_id = format!("ASIA{}", ids.hex(16).to_uppercase());
        let session = Session {
            key_id: key_id.clone(),
            secret: ids.secret(),
            token: format!("FwoGZXIvYXdzE{}", ids.hex(64) + &ids.hex(64)),
            account,
            role_name: String::new(),
            role_id: String::new(),
            session_name: String::new(),
            expires: at + seconds * 1000,
            policy: None,
            policy_arns: Vec::new(),
            user: Some(name),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
        };
        self.iam.sessions.retain(|_, s| s.expires > at);
        self.iam.sessions.insert(key_id.clone(), session);
        Ok(Outcome::Id(key_id))
    }

    /// A session by its access key id.
    pub fn session(&self, key_id: &str) -> Option<&Session> {
        self.iam.sessions.get(key_id)
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

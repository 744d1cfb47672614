//! STS: who am I, and role sessions.

use crate::{domain_error, Ctx, Principal, Services};
use cloud::{Command, Error, IamCommand, Outcome};
use std::sync::Arc;
use wire::sts as w;
use wire::{ApiError, DateTime};

impl Services {
    /// Who an access key speaks for: a 12-digit key is that account's root; a key ramparts
    /// issued is its user or role session, whose request must be signed with its secret
    /// (`signed_with`) and carry its session token; any other key is the default account's
    /// root. Roots have no secret here, so their signatures are not checked.
    pub fn principal(
        &self,
        key_id: &str,
        session_token: Option<&str>,
        default_account: &str,
        signed_with: impl FnOnce(&str) -> bool,
    ) -> Result<Arc<Principal>, ApiError> {
        if key_id.len() == 12 && key_id.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Arc::new(Principal::root(key_id)));
        }
        // Only keys of the shape ramparts issues can be in the state; any other key skips the
        // lock (this runs on every request).
        if !issued_shape(key_id) {
            return Ok(Arc::new(Principal::root(default_account)));
        }
        let Some(issued) = self.issued(key_id) else {
            return Ok(Arc::new(Principal::root(default_account)));
        };
        if !signed_with(&issued.secret) {
            return Err(ApiError::new(
                "SignatureDoesNotMatch",
                403,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            ));
        }
        if let Some(expected) = &issued.token {
            if session_token != Some(expected.as_str()) {
                return Err(ApiError::new(
                    "InvalidClientTokenId",
                    403,
                    "The security token included in the request is invalid.",
                ));
            }
        }
        if let Some(expires) = issued.expires {
            if expires <= self.engine.time() {
                return Err(ApiError::new(
                    "ExpiredToken",
                    400,
                    "The security token included in the request is expired",
                ));
            }
        }
        Ok(issued.principal.clone())
    }

    /// An issued key as the state has it now; resolved once per version of the state.
    fn issued(&self, key_id: &str) -> Option<Arc<Issued>> {
        self.engine.read_versioned(|c, version| {
            if let Some(hit) = self.issued.lock().get(key_id) {
                if hit.version == version {
                    return Some(hit.clone());
                }
            }
            let (identity, secret, token) = c.identity_of_key(key_id)?;
            let issued = Arc::new(Issued {
                version,
                secret: secret.to_string(),
                token: token.map(str::to_string),
                expires: c.session(key_id).map(|s| s.expires),
                principal: Arc::new(Principal {
                    account: identity.account().to_string(),
                    arn: identity.arn(),
                    user_id: identity.user_id(),
                    identity: Some(identity),
                    key_id: Some(key_id.to_string()),
                    user_session: c.session(key_id).is_some_and(|s| s.user.is_some()),
                }),
            });
            let mut cache = self.issued.lock();
            if cache.len() >= 4096 {
                cache.clear();
            }
            cache.insert(key_id.to_string(), issued.clone());
            Some(issued)
        })
    }
}

/// An issued key resolved: who it speaks for and what a request must show to use it.
pub(crate) struct Issued {
    version: u64,
    secret: String,
    token: Option<String>,
    expires: Option<i64>,
    principal: Arc<Principal>,
}

/// `AKIA`/`ASIA` and 16 upper-case hex digits: the access key ids `cloud::iam` hands out.
fn issued_shape(key_id: &str) -> bool {
    key_id.len() == 20
        && (key_id.starts_with("AKIA") || key_id.starts_with("ASIA"))
        && key_id[4..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

impl w::Api for Services {
    type Ctx = Ctx;

    fn authorize(&self, ctx: &mut Ctx, call: w::Call<'_>) -> Result<(), ApiError> {
        // A user's GetSessionToken credentials reach STS only to assume roles and ask who
        // they are (UNSURE: AWS's wording for the refusal).
        let allowed_from_user_session = matches!(
            call,
            w::Call::AssumeRole(_)
                | w::Call::GetCallerIdentity(_)
                | w::Call::DecodeAuthorizationMessage(_)
                | w::Call::GetAccessKeyInfo(_)
        );
        if !allowed_from_user_session && ctx.principal.user_session {
            return Err(ApiError::new(
                "AccessDenied",
                403,
                format!("Cannot call {} with session credentials", call.operation()),
            ));
        }
        self.authorize_call(ctx, crate::authorize::Service::Sts, |r| r.sts(call))
    }

    fn get_session_token(
        &self,
        ctx: &mut Ctx,
        input: w::GetSessionTokenRequest,
    ) -> Result<w::GetSessionTokenResponse, ApiError> {
        if input.serial_number.is_some() || input.token_code.is_some() {
            return Err(ApiError::not_implemented("sts", "GetSessionToken with MFA"));
        }
        if ctx.principal.identity.is_none() {
            // Roots here are plain 12-digit keys without a secret: there is nothing to
            // derive a session from (UNSURE: AWS lets a root call GetSessionToken).
            return Err(domain_error(Error::new(
                "AccessDenied",
                "GetSessionToken needs an IAM user's access key here; a 12-digit root key has no secret to derive a session from.",
            )));
        }
        let command = IamCommand::GetSessionToken {
            caller: ctx.principal.arn.clone(),
            duration_seconds: input.duration_seconds.map(i64::from),
        };
        let outcome = self.apply(ctx, Command::Iam(command), |_, o| o.clone())?;
        let Outcome::Id(key_id) = outcome else {
            return Err(domain_error(Error::new("InternalError", "no session")));
        };
        self.read(|c| {
            let s = c
                .session(&key_id)
                .ok_or_else(|| Error::new("InternalError", "no session"))?;
            Ok(w::GetSessionTokenResponse {
                credentials: Some(w::Credentials {
                    access_key_id: s.key_id.clone(),
                    secret_access_key: s.secret.clone(),
                    session_token: s.token.clone(),
                    expiration: DateTime(s.expires),
                }),
            })
        })
    }

    fn get_access_key_info(
        &self,
        _ctx: &mut Ctx,
        input: w::GetAccessKeyInfoRequest,
    ) -> Result<w::GetAccessKeyInfoResponse, ApiError> {
        let key = input.access_key_id;
        if key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(w::GetAccessKeyInfoResponse { account: Some(key) });
        }
        // AWS reads the account out of any well-formed key; ramparts knows the keys it issued
        // (UNSURE: the error for a key it never issued).
        let account = self.engine.read(|c| {
            c.identity_of_key(&key)
                .map(|(identity, _, _)| identity.account().to_string())
        });
        match account {
            Some(account) => Ok(w::GetAccessKeyInfoResponse {
                account: Some(account),
            }),
            None => Err(ApiError::new(
                "InvalidParameterValue",
                400,
                format!("The access key {key} was not issued by this endpoint."),
            )),
        }
    }

    fn decode_authorization_message(
        &self,
        _ctx: &mut Ctx,
        input: w::DecodeAuthorizationMessageRequest,
    ) -> Result<w::DecodeAuthorizationMessageResponse, ApiError> {
        let decoded =
            crate::authorize::decode_failure_message(&input.encoded_message).ok_or_else(|| {
                ApiError::new(
                    "InvalidAuthorizationMessageException",
                    400,
                    "The error message provided is not a valid encoded authorization message.",
                )
            })?;
        Ok(w::DecodeAuthorizationMessageResponse {
            decoded_message: Some(decoded),
        })
    }

    fn get_caller_identity(
        &self,
        ctx: &mut Ctx,
        _input: w::GetCallerIdentityRequest,
    ) -> Result<w::GetCallerIdentityResponse, ApiError> {
        Ok(w::GetCallerIdentityResponse {
            user_id: Some(ctx.principal.user_id.clone()),
            account: Some(ctx.principal.account.clone()),
            arn: Some(ctx.principal.arn.clone()),
        })
    }

    fn assume_role(
        &self,
        ctx: &mut Ctx,
        input: w::AssumeRoleRequest,
    ) -> Result<w::AssumeRoleResponse, ApiError> {
        if input.serial_number.is_some() || input.token_code.is_some() {
            return Err(ApiError::not_implemented("sts", "AssumeRole with MFA"));
        }
        let command = IamCommand::AssumeRole {
            caller: ctx.principal.arn.clone(),
            role_arn: input.role_arn,
            session_name: input.role_session_name,
            duration_seconds: input.duration_seconds.map(i64::from),
            external_id: input.external_id,
            tags: input
                .tags
                .iter()
                .flatten()
                .map(|t| cloud::Tag {
                    key: t.key.clone(),
                    value: t.value.clone(),
                })
                .collect(),
            transitive_tag_keys: input.transitive_tag_keys.clone().unwrap_or_default(),
            source_identity: input.source_identity.clone(),
            caller_key: ctx.principal.key_id.clone(),
            policy: input.policy.clone(),
            policy_arns: input
                .policy_arns
                .iter()
                .flatten()
                .filter_map(|p| p.arn.clone())
                .collect(),
        };
        let outcome = self.apply(ctx, Command::Iam(command), |_, o| o.clone())?;
        let Outcome::Id(key_id) = outcome else {
            return Err(domain_error(Error::new("InternalError", "no session")));
        };
        self.read(|c| {
            let s = c
                .iam
                .sessions
                .get(&key_id)
                .ok_or_else(|| Error::new("InternalError", "no session"))?;
            Ok(w::AssumeRoleResponse {
                credentials: Some(w::Credentials {
                    access_key_id: s.key_id.clone(),
                    secret_access_key: s.secret.clone(),
                    session_token: s.token.clone(),
                    expiration: DateTime(s.expires),
                }),
                assumed_role_user: Some(w::AssumedRoleUser {
                    assumed_role_id: format!("{}:{}", s.role_id, s.session_name),
                    arn: format!(
                        "arn:aws:sts::{}:assumed-role/{}/{}",
                        s.account, s.role_name, s.session_name
                    ),
                }),
                packed_policy_size: (s.policy.is_some() || !s.policy_arns.is_empty()).then(|| {
                    cloud::sts::packed_policy_percent(s.policy.as_deref(), &s.policy_arns)
                }),
                source_identity: s.source_identity.clone(),
            })
        })
    }
}

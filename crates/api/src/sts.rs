//! STS: who am I.

use crate::{Ctx, Services};
use wire::sts as w;
use wire::ApiError;

impl w::Api for Services {
    type Ctx = Ctx;

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
}

//! iam: no operation is implemented yet; each answers the not-implemented error.

use crate::{Ctx, Services};
use wire::iam as w;

impl w::Api for Services {
    type Ctx = Ctx;
}

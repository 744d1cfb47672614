//! ram: no operation is implemented yet; each answers the not-implemented error.

use crate::{Ctx, Services};
use wire::ram as w;

impl w::Api for Services {
    type Ctx = Ctx;
}

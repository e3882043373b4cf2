//! getMerchantData (sync, §4.12): the logged-in user's merchant profile.

use super::args::Args;
use super::guards::logged_in;
use super::{with_status, Code, Ctx};
use crate::cnode::soap::{Fault, Reply};
use crate::cnode::world::MerchantData;

pub fn get_merchant_data(ctx: &Ctx, _: &Args) -> Result<Reply, Fault> {
    let found = logged_in(ctx).and_then(|user| {
        let world = ctx.node.world();
        if !world.ready_to_read() {
            return Err(Code::VuiCantRead);
        }
        Ok(world.merchant_data(&user))
    });
    let (data, code) = match found {
        Ok(data) => (data, Code::Success),
        Err(code) => (MerchantData::default(), code),
    };
    let or_empty_object = |json: String| {
        if json.is_empty() {
            "{}".to_owned()
        } else {
            json
        }
    };
    let reply = Reply::new()
        .field(
            "publicProfileJson",
            or_empty_object(data.public_profile_json),
        )
        .field("invoiceDataJson", or_empty_object(data.invoice_data_json))
        .field(
            "financialAccountJson",
            or_empty_object(data.financial_account_json),
        )
        .field("logo", data.logo_base64);
    Ok(with_status(reply, code))
}

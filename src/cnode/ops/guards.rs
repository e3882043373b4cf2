//! The checks many operations share: a logged-in user, master mode, and the shape of the
//! documented structures (amounts, peer locations, payment request data).

use super::args::{Amount, Args};
use super::{Code, Ctx};
use crate::cnode::soap::{Fault, Value};
use crate::cnode::world::Mode;

/// The logged-in user's name, or ERR_VUI_NOT_LOGGEDIN.
pub fn logged_in(ctx: &Ctx) -> Result<String, Code> {
    ctx.node
        .world()
        .who_is_logged_in()
        .map(str::to_owned)
        .ok_or(Code::VuiNotLoggedIn)
}

/// Master-only operations refuse the other modes with the mode's own code.
pub fn master_mode(ctx: &Ctx) -> Result<(), Code> {
    match ctx.node.world().mode() {
        Mode::Master => Ok(()),
        Mode::Normal => Err(Code::OperationNotAllowedInNormalMode),
        Mode::Slave => Err(Code::OperationNotAllowedInSlaveMode),
    }
}

/// A positive amount, its currency defaulting to the node's; ERR_INVALID_AMOUNT otherwise.
pub fn positive_amount(ctx: &Ctx, amount: Option<Amount>) -> Result<Amount, Code> {
    let mut amount = amount.filter(|a| a.value > 0).ok_or(Code::InvalidAmount)?;
    if amount.currency.is_empty() {
        amount.currency = ctx.node.world().default_currency().to_owned();
    }
    Ok(amount)
}

/// A billonAmount as answered.
pub fn amount_value(value: u64, currency: &str) -> Value {
    Value::Struct(vec![
        ("amount", Value::Number(value)),
        ("currency", Value::from(currency.to_owned())),
        ("colour", Value::Number(0)),
    ])
}

/// A uniqueTransferId: non-blank, at most 64 characters, and carried by no live task; else
/// ERR_INVALID_TRANSFER_ID.
pub fn transfer_id(ctx: &Ctx, text: &str) -> Result<String, Code> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 64 || ctx.node.transfer_id_in_use(text) {
        return Err(Code::InvalidTransferId);
    }
    Ok(text.to_owned())
}

/// A seriesId, when given, must name a series with this user that is waiting for
/// acceptance or open.
pub fn open_series(ctx: &Ctx, series_id: &str, username: &str) -> Result<Option<String>, Code> {
    if series_id.is_empty() {
        return Ok(None);
    }
    if ctx.node.world().series_is_live_with(series_id, username) {
        Ok(Some(series_id.to_owned()))
    } else {
        Err(Code::InvalidSeriesId)
    }
}

/// A billonUserLocation hint, if sent: ports must be ports, the ip an address, the machine
/// id hexadecimal, and the user the one the call is about.
pub fn peer_location(args: &Args, username: &str) -> Result<Result<(), Code>, Fault> {
    let Some(location) = args.element("peerLocation") else {
        return Ok(Ok(()));
    };
    let location = Args(location);
    let named = location.token("userName")?;
    let mut valid = named.is_empty() || named == username;
    for place in ["userLocation", "buddyLocation"] {
        let place = location.nested(place);
        let ip = place.token("ip")?;
        let machine = place.token("machineIdHex")?;
        let ports_ok = [place.token("tcp")?, place.token("udp")?]
            .iter()
            .all(|port| port.is_empty() || port.parse::<u16>().is_ok());
        valid &= ports_ok
            && (ip.is_empty() || ip.parse::<std::net::IpAddr>().is_ok())
            && machine.bytes().all(|b| b.is_ascii_hexdigit());
    }
    Ok(if valid {
        Ok(())
    } else {
        Err(Code::InvalidPeerLocation)
    })
}

/// requestDeliveryData / requestInvoiceData: NOT_NEEDED, OPTIONAL or OBLIGATORY (empty: NOT_NEEDED).
pub fn data_option(value: &str, invalid: Code) -> Result<(), Code> {
    match value {
        "" | "NOT_NEEDED" | "OPTIONAL" | "OBLIGATORY" => Ok(()),
        _ => Err(invalid),
    }
}

/// A description must be a JSON object (a PurchaseDescription) when given.
pub fn purchase_document(description: &str) -> Result<(), Code> {
    if description.trim().is_empty() {
        return Ok(());
    }
    match serde_json::from_str::<serde_json::Value>(description) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(Code::InvalidPurchaseDocument),
    }
}

/// The fields of paymentRequestData that every request checks.
pub struct RequestData {
    pub username: String,
    pub unique_transfer_id: String,
    pub title: String,
}

/// Reads and checks paymentRequestData (ERR_NO_REQUEST_DATA when missing).
pub fn request_data(ctx: &Ctx, args: &Args) -> Result<Result<RequestData, Code>, Fault> {
    let Some(element) = args.element("requestData") else {
        return Ok(Err(Code::NoRequestData));
    };
    let data = Args(element);
    let username = data.token("username")?.to_owned();
    let unique_transfer_id = data.text("uniqueTransferId")?;
    let title = data.text("title")?.to_owned();
    let (delivery, invoice) = (
        data.token("requestDeliveryData")?,
        data.token("requestInvoiceData")?,
    );
    let description = data.text("description")?;
    for ignored in ["channelInfo", "antiSpamCode"] {
        data.text(ignored)?;
    }
    Ok((|| {
        if username.is_empty() {
            return Err(Code::InvalidUsername);
        }
        let unique_transfer_id = transfer_id(ctx, unique_transfer_id)?;
        purchase_document(description)?;
        data_option(delivery, Code::InvalidDeliveryOption)?;
        data_option(invoice, Code::InvalidInvoiceOption)?;
        Ok(RequestData {
            username,
            unique_transfer_id,
            title,
        })
    })())
}

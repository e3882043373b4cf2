//! startLogin and startRegister (async, §4.2, §4.3): each starts a task; the node runs one
//! login or registration at a time.

use super::args::{has_content, Args};
use super::{start_task, task_id_reply, Code, Ctx};
use crate::cnode::jobs::{Login, Register};
use crate::cnode::soap::{Fault, Reply};
use crate::cnode::world::MerchantData;

pub fn start_login(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("billonUserName")?;
    let password = args.text("billonUserPassword")?;
    let started = if username.is_empty() {
        Err(Code::InvalidUsername)
    } else {
        start_task(
            ctx,
            Login {
                username: username.to_owned(),
                password: password.to_owned(),
            },
            None,
        )
    };
    Ok(task_id_reply(started))
}

/// Refused at once (ERR_INVALID_USERNAME): a name of 3 characters or fewer (the docs' rule),
/// over 64, or with characters other than letters, digits and `. _ - @`.
/// An empty password is ERR_INVALID_PASSWORD. A name already taken is not known until the
/// network is searched: that task ends FINISHED_ERR_INVALID_USERNAME.
pub fn start_register(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("billonUserName")?;
    let password = args.text("billonUserPassword")?;
    // The IPE/AR choices and recovery e-mails are accepted and have no effect here.
    for ignored in [
        "userIPEchoice",
        "userARchoice",
        "recoveryEmail1",
        "recoveryEmail2",
    ] {
        args.text(ignored)?;
    }
    let merchant_data = match args
        .element("merchantData")
        .filter(|data| has_content(data))
    {
        None => None,
        Some(data) => {
            let data = Args(data);
            Some(MerchantData {
                public_profile_json: data.text("publicProfileJson")?.to_owned(),
                invoice_data_json: data.text("invoiceDataJson")?.to_owned(),
                financial_account_json: data.text("financialAccountJson")?.to_owned(),
                logo_base64: data.token("logo")?.to_owned(),
            })
        }
    };
    let started = if !is_valid_new_username(username) {
        Err(Code::InvalidUsername)
    } else if password.is_empty() {
        Err(Code::InvalidPassword)
    } else {
        start_task(
            ctx,
            Register {
                username: username.to_owned(),
                password: password.to_owned(),
                merchant_data,
            },
            None,
        )
    };
    Ok(task_id_reply(started))
}

fn is_valid_new_username(name: &str) -> bool {
    (4..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

#[cfg(test)]
mod tests {
    use super::is_valid_new_username;

    #[test]
    fn new_usernames() {
        assert!(is_valid_new_username("abcd"));
        assert!(is_valid_new_username("shop.owner-2@x"));
        assert!(!is_valid_new_username("abc"));
        assert!(!is_valid_new_username("with space"));
        assert!(!is_valid_new_username(&"a".repeat(65)));
    }
}

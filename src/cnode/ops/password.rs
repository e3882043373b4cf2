//! storePassword, checkPassword and getMpin (sync, §4.4–4.6): each checks the logged-in
//! user's password; without a logged-in user they answer ERR_VUI_NOT_LOGGEDIN.

use super::args::Args;
use super::{check_logged_in_password, status_reply, with_status, Code, Ctx};
use crate::cnode::soap::{Fault, Reply};

/// Saves the password for autologin. Refused while a login or registration runs.
pub fn store_password(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let password = args.text("billonUserPassword")?;
    let outcome = if ctx.node.session_task_running() {
        Err(Code::TaskAlreadyRunning)
    } else {
        check_logged_in_password(ctx.node, password)
    };
    if outcome.is_ok() {
        ctx.node.world().enable_autologin();
    }
    Ok(status_reply(outcome.err().unwrap_or(Code::Success)))
}

pub fn check_password(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let password = args.text("billonUserPassword")?;
    let outcome = check_logged_in_password(ctx.node, password);
    Ok(status_reply(outcome.err().unwrap_or(Code::Success)))
}

pub fn get_mpin(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let password = args.text("billonUserPassword")?;
    let (mpin, code) = match check_logged_in_password(ctx.node, password) {
        Ok(()) => (ctx.node.world().mpin().to_owned(), Code::Success),
        Err(code) => (String::new(), code),
    };
    Ok(with_status(Reply::new().field("mpin", mpin), code))
}

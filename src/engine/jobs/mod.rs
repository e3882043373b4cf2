//! The business logic of each task type, one file per type or family.
//! A job decides each next status from the world; the engine decides when.

mod login;
mod register;

pub use login::Login;
pub use register::Register;

use super::status::Status;
use super::task::Step;

/// The answer to a status a job never produces itself: something moved the task
/// somewhere its type does not go, so it ends as the node's internal error.
fn unexpected(type_name: &str, current: Status) -> Step {
    Step::fail(
        Status::InternalError,
        format!("a {type_name} task cannot continue from {current}"),
    )
}

//! The `requestStatus` codes every response carries (cnode-api.md §2), with their texts.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success,
    TechnicalProblem,
    Timeout,
    InvalidUsername,
    InvalidPassword,
    InvalidTaskId,
    TaskDoesNotExist,
    /// The spelling of the getTaskStatus prose, for clients written against it (§11.2).
    TaskDoesNotExists,
    TaskAlreadyRunning,
    VuiNotLoggedIn,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Success => "SUCCESS",
            Code::TechnicalProblem => "ERR_TECHNICAL_PROBLEM",
            Code::Timeout => "ERR_TIMEOUT",
            Code::InvalidUsername => "ERR_INVALID_USERNAME",
            Code::InvalidPassword => "ERR_INVALID_PASSWORD",
            Code::InvalidTaskId => "ERR_INVALID_TASK_ID",
            Code::TaskDoesNotExist => "ERR_TASK_DOES_NOT_EXIST",
            Code::TaskDoesNotExists => "ERR_TASK_DOES_NOT_EXISTS",
            Code::TaskAlreadyRunning => "ERR_TASK_ALREADY_RUNNING",
            Code::VuiNotLoggedIn => "ERR_VUI_NOT_LOGGEDIN",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Code::Success => "Request succeeded.",
            Code::TechnicalProblem => "Internal or technical error.",
            Code::Timeout => "A time limit was exceeded.",
            Code::InvalidUsername => "The user name is invalid.",
            Code::InvalidPassword => "The password is invalid.",
            Code::InvalidTaskId => "The task id is invalid.",
            Code::TaskDoesNotExist | Code::TaskDoesNotExists => {
                "No task with this id exists (it may have expired)."
            }
            Code::TaskAlreadyRunning => "A conflicting task is already running.",
            Code::VuiNotLoggedIn => "No user is logged in to the node.",
        }
    }
}

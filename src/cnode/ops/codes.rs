//! The `requestStatus` codes every response carries (cnode-api.md §2), with their texts.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success,
    TechnicalProblem,
    /// ERR_TECHNICAL_PROBLEM, with the reason: the store is full (`--max-tasks`).
    TaskStoreFull,
    Timeout,
    InvalidUsername,
    InvalidPassword,
    InvalidTaskId,
    TaskDoesNotExist,
    /// The spelling of the getTaskStatus prose, for clients written against it (§11.2).
    TaskDoesNotExists,
    TaskAlreadyRunning,
    VuiNotLoggedIn,
    VuiCantRead,
    InvalidTransferId,
    InvalidPaymentType,
    InvalidSeriesId,
    InvalidAmount,
    InvalidPeerLocation,
    OperationNotAllowedInNormalMode,
    OperationNotAllowedInSlaveMode,
    NoRequestData,
    InvalidPurchaseDocument,
    InvalidDeliveryOption,
    InvalidInvoiceOption,
}

impl Code {
    /// Every code, for finding one by its name.
    const ALL: [Code; 23] = [
        Code::Success,
        Code::TechnicalProblem,
        Code::TaskStoreFull,
        Code::Timeout,
        Code::InvalidUsername,
        Code::InvalidPassword,
        Code::InvalidTaskId,
        Code::TaskDoesNotExist,
        Code::TaskDoesNotExists,
        Code::TaskAlreadyRunning,
        Code::VuiNotLoggedIn,
        Code::VuiCantRead,
        Code::InvalidTransferId,
        Code::InvalidPaymentType,
        Code::InvalidSeriesId,
        Code::InvalidAmount,
        Code::InvalidPeerLocation,
        Code::OperationNotAllowedInNormalMode,
        Code::OperationNotAllowedInSlaveMode,
        Code::NoRequestData,
        Code::InvalidPurchaseDocument,
        Code::InvalidDeliveryOption,
        Code::InvalidInvoiceOption,
    ];

    /// The code a reply names (`requestStatus`), if it is one.
    pub fn named(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }

    /// The code of an injected error.
    pub fn injected(error: crate::faults::InjectedError) -> Code {
        match error {
            crate::faults::InjectedError::TechnicalProblem => Code::TechnicalProblem,
            crate::faults::InjectedError::Timeout => Code::Timeout,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Success => "SUCCESS",
            Code::TechnicalProblem | Code::TaskStoreFull => "ERR_TECHNICAL_PROBLEM",
            Code::Timeout => "ERR_TIMEOUT",
            Code::InvalidUsername => "ERR_INVALID_USERNAME",
            Code::InvalidPassword => "ERR_INVALID_PASSWORD",
            Code::InvalidTaskId => "ERR_INVALID_TASK_ID",
            Code::TaskDoesNotExist => "ERR_TASK_DOES_NOT_EXIST",
            Code::TaskDoesNotExists => "ERR_TASK_DOES_NOT_EXISTS",
            Code::TaskAlreadyRunning => "ERR_TASK_ALREADY_RUNNING",
            Code::VuiNotLoggedIn => "ERR_VUI_NOT_LOGGEDIN",
            Code::VuiCantRead => "ERR_VUI_CANT_READ",
            Code::InvalidTransferId => "ERR_INVALID_TRANSFER_ID",
            Code::InvalidPaymentType => "ERR_INVALID_PAYMENT_TYPE",
            Code::InvalidSeriesId => "ERR_INVALID_SERIES_ID",
            Code::InvalidAmount => "ERR_INVALID_AMOUNT",
            Code::InvalidPeerLocation => "ERR_INVALID_PEER_LOCATION",
            Code::OperationNotAllowedInNormalMode => "ERR_OPERATION_NOT_ALLOWED_IN_NORMAL_MODE",
            Code::OperationNotAllowedInSlaveMode => "ERR_OPERATION_NOT_ALLOWED_IN_SLAVE_MODE",
            Code::NoRequestData => "ERR_NO_REQUEST_DATA",
            Code::InvalidPurchaseDocument => "ERR_INVALID_PURCHASE_DOCUMENT",
            Code::InvalidDeliveryOption => "ERR_INVALID_DELIVERY_OPTION",
            Code::InvalidInvoiceOption => "ERR_INVALID_INVOICE_OPTION",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Code::Success => "Request succeeded.",
            Code::TechnicalProblem => "Internal or technical error.",
            Code::TaskStoreFull => {
                "The emulator holds as many live tasks as --max-tasks allows; \
                 wait for tasks to expire, delete some, or raise the limit."
            }
            Code::Timeout => "A time limit was exceeded.",
            Code::InvalidUsername => "The user name is invalid.",
            Code::InvalidPassword => "The password is invalid.",
            Code::InvalidTaskId => "The task id is invalid.",
            Code::TaskDoesNotExist | Code::TaskDoesNotExists => {
                "No task with this id exists (it may have expired)."
            }
            Code::TaskAlreadyRunning => "A conflicting task is already running.",
            Code::VuiNotLoggedIn => "No user is logged in to the node.",
            Code::VuiCantRead => "The node is not yet ready to read the user's data.",
            Code::InvalidTransferId => "The uniqueTransferId is invalid, unknown or already used.",
            Code::InvalidPaymentType => "The type is invalid.",
            Code::InvalidSeriesId => "The seriesId does not name an open series.",
            Code::InvalidAmount => "The amount is invalid.",
            Code::InvalidPeerLocation => "The peerLocation is invalid.",
            Code::OperationNotAllowedInNormalMode => {
                "The operation is only allowed in master mode."
            }
            Code::OperationNotAllowedInSlaveMode => "The operation is not allowed in slave mode.",
            Code::NoRequestData => "requestData is missing.",
            Code::InvalidPurchaseDocument => {
                "The description is not a valid purchase document (JSON)."
            }
            Code::InvalidDeliveryOption => {
                "requestDeliveryData must be NOT_NEEDED, OPTIONAL or OBLIGATORY."
            }
            Code::InvalidInvoiceOption => {
                "requestInvoiceData must be NOT_NEEDED, OPTIONAL or OBLIGATORY."
            }
        }
    }
}

//! The 36 task statuses of the getTaskStatus page (cnode-api.md §11.3).

use crate::engine::task::{StatusCode, Vocabulary};

macro_rules! statuses {
    ($($variant:ident => $name:literal, final: $final:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Status { $($variant),* }

        impl Status {
            pub const ALL: &'static [Status] = &[$(Status::$variant),*];
            const NAMES: &'static [&'static str] = &[$($name),*];
            const FINALS: u64 = 0 $(| ((($final) as u64) << (Status::$variant as u64)))*;

            pub fn as_str(self) -> &'static str {
                match self { $(Status::$variant => $name),* }
            }

            /// A final status never changes again.
            pub fn is_final(self) -> bool {
                match self { $(Status::$variant => $final),* }
            }

            pub fn parse(name: &str) -> Option<Status> {
                match name { $($name => Some(Status::$variant),)* _ => None }
            }
        }
    };
}

statuses! {
    Preparation => "PREPARATION", final: false;
    Searching => "SEARCHING", final: false;
    WaitingForUserDecision => "WAITING_FOR_USER_DECISION", final: false;
    WaitingForVerification => "WAITING_FOR_VERIFICATION", final: false;
    WaitingForWritePermission => "WAITING_FOR_WRITE_PERMISSION", final: false;
    SeriesAccepted => "SERIES_ACCEPTED", final: false;
    Transferring => "TRANSFERRING", final: false;
    WaitingForRestart => "WAITING_FOR_RESTART", final: false;
    // Listed without the FINISHED_ prefix: the resting state of a closed series, not a final one.
    SeriesFinished => "SERIES_FINISHED", final: false;
    FinishedOk => "FINISHED_OK", final: true;
    FinishedRevoked => "FINISHED_REVOKED", final: true;
    FinishedErr => "FINISHED_ERR", final: true;
    UserRejected => "FINISHED_ERR_USER_REJECTED", final: true;
    TooOften => "FINISHED_ERR_TOO_OFTEN", final: true;
    Locked => "FINISHED_ERR_LOCKED", final: true;
    UserNotFound => "FINISHED_ERR_USER_NOT_FOUND", final: true;
    ItemNotFound => "FINISHED_ERR_ITEM_NOT_FOUND", final: true;
    NotFound => "FINISHED_ERR_NOT_FOUND", final: true;
    InvalidUsername => "FINISHED_ERR_INVALID_USERNAME", final: true;
    UserNotAuthenticated => "FINISHED_ERR_USER_NOT_AUTHENTICATED", final: true;
    InvalidData => "FINISHED_ERR_INVALID_DATA", final: true;
    InvalidAccountNumber => "FINISHED_ERR_INVALID_ACCOUNT_NUMBER", final: true;
    Timeout => "FINISHED_ERR_TIMEOUT", final: true;
    SellerLimitsExceeded => "FINISHED_ERR_SELLER_LIMITS_EXCEEDED", final: true;
    BuyerLimitsExceeded => "FINISHED_ERR_BUYER_LIMITS_EXCEEDED", final: true;
    ChangeMismatch => "FINISHED_ERR_CHANGE_MISMATCH", final: true;
    CollectingMonexAmount => "FINISHED_ERR_COLLECTING_MONEX_AMOUNT", final: true;
    NotEnoughMoney => "FINISHED_ERR_NOT_ENOUGH_MONEY", final: true;
    Cancelled => "FINISHED_ERR_CANCELLED", final: true;
    Outdated => "FINISHED_ERR_OUTDATED", final: true;
    VerificationTimeout => "FINISHED_ERR_VERIFICATION_TIMEOUT", final: true;
    InternalError => "FINISHED_ERR_INTERNAL_ERROR", final: true;
    SeriesConstraintsExceeded => "FINISHED_ERR_SERIES_CONSTRAINTS_EXCEEDED", final: true;
    OutTransfersLimitExceeded => "FINISHED_ERR_OUT_TRANSFERS_LIMIT_EXCEEDED", final: true;
    CancelledDueToPreviousError => "FINISHED_ERR_CANCELLED_DUE_TO_PREVIOUS_ERROR", final: true;
    UserTimeout => "FINISHED_ERR_USER_TIMEOUT", final: true;
}

/// The 36 statuses as the engine keeps them: every CNode task type shares them.
pub static VOCABULARY: Vocabulary = Vocabulary {
    names: Status::NAMES,
    finals: Status::FINALS,
    succeeded: StatusCode(Status::FinishedOk as u8),
    rising: Some(StatusCode(Status::Transferring as u8)),
    cancelled: StatusCode(Status::Cancelled as u8),
};

impl Status {
    pub fn code(self) -> StatusCode {
        StatusCode(self as u8)
    }

    pub fn from_code(code: StatusCode) -> Status {
        Status::ALL[usize::from(code.0)]
    }

    /// The `error_name` written into additionalInfo when a task ends in this status:
    /// the status without its `FINISHED_` prefix (`ERR_USER_NOT_FOUND`, ...).
    pub fn error_name(self) -> Option<&'static str> {
        let name = self.as_str().strip_prefix("FINISHED_")?;
        name.starts_with("ERR").then_some(name)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_the_enum() {
        for status in Status::ALL {
            assert_eq!(VOCABULARY.name(status.code()), status.as_str());
            assert_eq!(VOCABULARY.is_final(status.code()), status.is_final());
            assert_eq!(Status::from_code(status.code()), *status);
        }
    }

    #[test]
    fn there_are_36_statuses_and_names_round_trip() {
        assert_eq!(Status::ALL.len(), 36);
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(*status));
        }
    }

    #[test]
    fn error_names_exist_exactly_for_failures() {
        assert_eq!(Status::FinishedOk.error_name(), None);
        assert_eq!(Status::FinishedRevoked.error_name(), None);
        assert_eq!(Status::Preparation.error_name(), None);
        assert_eq!(Status::FinishedErr.error_name(), Some("ERR"));
        assert_eq!(
            Status::UserNotFound.error_name(),
            Some("ERR_USER_NOT_FOUND")
        );
        let failures = Status::ALL
            .iter()
            .filter(|s| s.error_name().is_some())
            .count();
        // FINISHED_ERR and the 24 FINISHED_ERR_* kinds.
        assert_eq!(failures, 25);
    }
}

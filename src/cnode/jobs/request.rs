//! Requests a user must answer: a payment (PAYMENT_REQUEST), a ping (PING_PAYMENT_REQUEST),
//! personal data (PERSONAL_DATA_REQUEST), a login confirmation (LOGIN_AUTHENTICATION_REQUEST);
//! and an announced incoming payment (EXPECTED_PAYMENT).
//! PREPARATION → SEARCHING → WAITING_FOR_USER_DECISION → the user's answer (world behaviour)
//! → for a payment, the transfer path with the user paying the node's user.

use super::{count_in_series, decision, decision_wait, search, unexpected, Transfer};
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, JobRequest, NextIn, Refusal, Step, StepCtx};
use crate::cnode::world::Behaviour;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    Payment,
    Ping,
    PersonalData,
    LoginAuthentication,
}

pub struct PeerRequest {
    pub kind: RequestKind,
    /// The user asked.
    pub peer: String,
    /// The money to move once accepted (payments only).
    pub transfer: Option<Transfer>,
}

impl Job for PeerRequest {
    fn kind(&self) -> TaskKind {
        match self.kind {
            RequestKind::Payment => TaskKind::PaymentRequest,
            RequestKind::Ping => TaskKind::PingPaymentRequest,
            RequestKind::PersonalData => TaskKind::PersonalDataRequest,
            RequestKind::LoginAuthentication => TaskKind::LoginAuthenticationRequest,
        }
    }

    fn counterparty(&self) -> Option<&str> {
        Some(self.peer.as_str())
    }

    fn abandon(&mut self, ctx: &mut StepCtx) {
        if let Some(transfer) = self.transfer.as_mut() {
            transfer.abandon(ctx);
        }
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        let step = match current {
            Status::Preparation => Ok(Step::to(Status::Searching)),
            Status::Searching => self.searched(ctx),
            Status::WaitingForUserDecision => {
                decision(ctx, &self.peer).map(|()| self.accepted(ctx))
            }
            other => match self.transfer.as_mut().and_then(|t| t.next(other, ctx)) {
                Some(step) => Ok(step),
                None => Err(unexpected(self.type_name(), other)),
            },
        };
        step.unwrap_or_else(|step| match self.transfer.as_mut() {
            Some(transfer) => transfer.failed(ctx, step),
            None => step,
        })
    }

    fn on_request(
        &mut self,
        request: JobRequest,
        current: Status,
        _: &mut StepCtx,
    ) -> Result<Step, Refusal> {
        if request != JobRequest::Cancel {
            return Err(Refusal::NotApplicable);
        }
        match current {
            Status::Preparation | Status::Searching | Status::WaitingForUserDecision => Ok(
                Step::fail(Status::Cancelled, "cancelled by cancelPaymentRequest"),
            ),
            _ => Err(Refusal::TooLate),
        }
    }
}

impl PeerRequest {
    fn searched(&mut self, ctx: &mut StepCtx) -> Result<Step, Step> {
        if let Some(transfer) = &self.transfer {
            if let Some(series) = transfer.series.clone() {
                // The user agreed to the whole series: no decision per payment. A payment
                // beyond the series' limits is refused, which is not a failure of the series.
                if let Err(refused) = count_in_series(ctx, &series, transfer.amount) {
                    return Ok(refused);
                }
                search(ctx, &self.peer)?;
                return Ok(self.accepted(ctx));
            }
        }
        search(ctx, &self.peer)?;
        let wait = decision_wait(ctx, &self.peer);
        Ok(Step::to(Status::WaitingForUserDecision).next_in(NextIn::After(wait)))
    }

    fn accepted(&mut self, ctx: &mut StepCtx) -> Step {
        let peer = self.peer.as_str();
        match (self.kind, self.transfer.as_mut()) {
            (RequestKind::Payment, Some(transfer)) => transfer.enter(ctx),
            (RequestKind::PersonalData, _) => {
                let data = ctx.world.users[peer].personal_data.clone();
                Step::to(Status::FinishedOk)
                    .with("username", peer)
                    .with("personalData", data)
            }
            (RequestKind::LoginAuthentication, _) => Step::to(Status::FinishedOk)
                .with("username", peer)
                .with("authenticated", true),
            _ => Step::to(Status::FinishedOk).with("username", peer),
        }
    }
}

/// EXPECTED_PAYMENT (expectPaymentRequest): the node waits up to `timeout_ms` for `payer` to
/// pay; the id of this task is the requestPaymentIdConfirmation.
/// PREPARATION → WAITING_FOR_USER_DECISION → the transfer path, or FINISHED_ERR_TIMEOUT.
pub struct ExpectedPayment {
    pub timeout_ms: u64,
    pub transfer: Transfer,
    waited_out: bool,
}

impl ExpectedPayment {
    pub fn new(timeout_ms: u64, transfer: Transfer) -> ExpectedPayment {
        ExpectedPayment {
            timeout_ms,
            transfer,
            waited_out: false,
        }
    }
}

impl Job for ExpectedPayment {
    fn kind(&self) -> TaskKind {
        TaskKind::ExpectedPayment
    }

    fn counterparty(&self) -> Option<&str> {
        Some(self.transfer.payer.as_str())
    }

    fn abandon(&mut self, ctx: &mut StepCtx) {
        self.transfer.abandon(ctx);
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        let payer = self.transfer.payer.clone();
        match current {
            Status::Preparation => {
                if let Err(step) = search(ctx, &payer) {
                    return step;
                }
                let never_pays = ctx.world.users[&payer].behaviour == Behaviour::Ignore;
                let delay = decision_wait(ctx, &payer);
                self.waited_out = never_pays || delay > self.timeout_ms;
                let wait = if self.waited_out {
                    self.timeout_ms
                } else {
                    delay
                };
                Step::to(Status::WaitingForUserDecision).next_in(NextIn::After(wait))
            }
            Status::WaitingForUserDecision if self.waited_out => Step::fail(
                Status::Timeout,
                format!(
                    "no payment from \"{payer}\" arrived within {} s",
                    self.timeout_ms / 1000
                ),
            ),
            Status::WaitingForUserDecision => match decision(ctx, &payer) {
                Ok(()) => self.transfer.enter(ctx),
                Err(step) => self.transfer.failed(ctx, step),
            },
            other => self
                .transfer
                .next(other, ctx)
                .unwrap_or_else(|| unexpected(self.type_name(), other)),
        }
    }
}

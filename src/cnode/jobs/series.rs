//! MONEY_COLLECT_SERIES (startSeriesPayment): the user agrees once to a series of payments.
//! PREPARATION → SEARCHING → WAITING_FOR_USER_DECISION → SERIES_ACCEPTED (open: payments with
//! this task's id as seriesId need no decision) → SERIES_FINISHED (after the series' duration,
//! or endSeriesPayment). A refused series ends as the user's answer says.

use super::{decision, decision_wait, search, unexpected};
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, JobRequest, NextIn, Refusal, Step, StepCtx};
use crate::cnode::world::{Series, SeriesState};

pub struct SeriesPayment {
    pub peer: String,
    pub max_payments: u32,
    pub max_total: u64,
    pub duration_ms: u64,
}

impl Job for SeriesPayment {
    fn kind(&self) -> TaskKind {
        TaskKind::MoneyCollectSeries
    }

    fn start(&mut self, ctx: &mut StepCtx) {
        let series = Series {
            username: self.peer.clone(),
            max_payments: self.max_payments,
            max_total: self.max_total,
            duration_ms: self.duration_ms,
            state: SeriesState::Pending,
            accepted_at: None,
            payments: 0,
            total: 0,
            failed: false,
        };
        ctx.world.series.insert(ctx.task_id.to_string(), series);
    }

    fn counterparty(&self) -> Option<&str> {
        Some(self.peer.as_str())
    }

    fn abandon(&mut self, ctx: &mut StepCtx) {
        self.set_state(ctx, SeriesState::Finished);
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        let step = match current {
            Status::Preparation => Ok(Step::to(Status::Searching)),
            Status::Searching => search(ctx, &self.peer).map(|()| {
                Step::to(Status::WaitingForUserDecision)
                    .next_in(NextIn::After(decision_wait(ctx, &self.peer)))
            }),
            Status::WaitingForUserDecision => decision(ctx, &self.peer).map(|()| self.open(ctx)),
            Status::SeriesAccepted => Ok(self.finish(ctx, "the series' duration is over")),
            other => Err(unexpected(self.type_name(), other)),
        };
        step.unwrap_or_else(|step| {
            self.set_state(ctx, SeriesState::Refused);
            step
        })
    }

    fn on_request(
        &mut self,
        request: JobRequest,
        current: Status,
        ctx: &mut StepCtx,
    ) -> Result<Step, Refusal> {
        let waiting = matches!(
            current,
            Status::Preparation | Status::Searching | Status::WaitingForUserDecision
        );
        match request {
            JobRequest::Cancel if waiting => {
                self.set_state(ctx, SeriesState::Refused);
                Ok(Step::fail(
                    Status::Cancelled,
                    "cancelled by cancelPaymentRequest",
                ))
            }
            JobRequest::End if waiting || current == Status::SeriesAccepted => {
                Ok(self.finish(ctx, "ended by endSeriesPayment"))
            }
            _ if current.is_final() || current == Status::SeriesFinished => Err(Refusal::TooLate),
            _ => Err(Refusal::NotApplicable),
        }
    }
}

impl SeriesPayment {
    fn open(&mut self, ctx: &mut StepCtx) -> Step {
        let at = ctx.at;
        if let Some(series) = ctx.world.series.get_mut(&ctx.task_id.to_string()) {
            series.state = SeriesState::Open;
            series.accepted_at = Some(at);
        }
        let next_in = match self.duration_ms {
            0 => NextIn::Never,
            duration => NextIn::After(duration),
        };
        Step::to(Status::SeriesAccepted)
            .with("username", self.peer.as_str())
            .next_in(next_in)
    }

    fn finish(&mut self, ctx: &mut StepCtx, why: &str) -> Step {
        self.set_state(ctx, SeriesState::Finished);
        Step::to(Status::SeriesFinished)
            .with("reason", why)
            .next_in(NextIn::Never)
    }

    fn set_state(&self, ctx: &mut StepCtx, state: SeriesState) {
        if let Some(series) = ctx.world.series.get_mut(&ctx.task_id.to_string()) {
            series.state = state;
        }
    }
}

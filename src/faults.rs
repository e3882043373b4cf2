//! Faults on demand, per operation: latency (fixed or random), a rate of ERR_TECHNICAL_PROBLEM
//! or ERR_TIMEOUT answers, a rate of SOAP Faults, a rate of dropped connections. Decisions come
//! from one seeded generator, so a seed makes a run reproducible.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FaultPlan {
    /// The operation (`*` for every operation without a plan of its own).
    pub operation: String,
    /// With `operation` `*`: only this front door's operations (`cnode`, `mobizon`,
    /// `bitrix24`). Operation names do not repeat across doors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub front_door: Option<String>,
    /// Delay before answering, e.g. "200ms"; with `latencyMax`, a random delay between the two.
    pub latency: Option<String>,
    pub latency_max: Option<String>,
    /// Share of calls answered with `error` (0 to 1) instead of being served.
    pub error_rate: f64,
    /// ERR_TECHNICAL_PROBLEM (default) or ERR_TIMEOUT.
    pub error: Option<String>,
    /// Share of calls answered with a SOAP Fault (Server).
    pub fault_rate: f64,
    /// Share of calls whose connection is dropped without an answer.
    pub drop_rate: f64,
    /// Restarts the generator with this seed.
    pub seed: Option<u64>,
}

/// What happens to one call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Injected {
    Nothing,
    /// The service's own error answer: CNode's named code, the other doors' application error.
    Error(InjectedError),
    Fault,
    Drop,
}

/// The error an `errorRate` injects (named by CNode's codes; other doors answer their own
/// application error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InjectedError {
    TechnicalProblem,
    Timeout,
}

impl InjectedError {
    fn parse(name: Option<&str>) -> Result<InjectedError, String> {
        match name {
            None | Some("ERR_TECHNICAL_PROBLEM") => Ok(InjectedError::TechnicalProblem),
            Some("ERR_TIMEOUT") => Ok(InjectedError::Timeout),
            Some(other) => Err(format!(
                "error must be ERR_TECHNICAL_PROBLEM or ERR_TIMEOUT, not {other}"
            )),
        }
    }
}

/// A plan as it is kept: read once when set, so a call only rolls the dice.
struct Plan {
    spec: FaultPlan,
    latency: Duration,
    latency_max: Option<Duration>,
    error: InjectedError,
}

pub struct Faults {
    /// Whether any plan is set: the request path skips the locks when none is.
    active: std::sync::atomic::AtomicBool,
    plans: Mutex<HashMap<String, Plan>>,
    rng: Mutex<fastrand::Rng>,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            active: std::sync::atomic::AtomicBool::new(false),
            plans: Mutex::new(HashMap::new()),
            rng: Mutex::new(fastrand::Rng::with_seed(0)),
        }
    }
}

impl Faults {
    /// Checks and stores a plan.
    pub fn set(&self, plan: FaultPlan) -> Result<(), String> {
        for rate in [plan.error_rate, plan.fault_rate, plan.drop_rate] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("a rate must be between 0 and 1, not {rate}"));
            }
        }
        let duration = |text: &Option<String>| {
            text.as_deref()
                .map(crate::units::parse_duration)
                .transpose()
        };
        let latency = duration(&plan.latency)?.unwrap_or_default();
        let latency_max = duration(&plan.latency_max)?;
        let error = InjectedError::parse(plan.error.as_deref())?;
        if plan.operation.is_empty() {
            return Err("name the operation (or *)".into());
        }
        if let Some(seed) = plan.seed {
            *lock(&self.rng) = fastrand::Rng::with_seed(seed);
        }
        let plan = Plan {
            spec: plan,
            latency,
            latency_max,
            error,
        };
        let key = match (&plan.spec.front_door, plan.spec.operation.as_str()) {
            (Some(door), "*") => format!("{door}/*"),
            (_, operation) => operation.to_owned(),
        };
        lock(&self.plans).insert(key, plan);
        self.active
            .store(true, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    pub fn plans(&self) -> Vec<FaultPlan> {
        let mut plans: Vec<FaultPlan> = lock(&self.plans)
            .values()
            .map(|plan| plan.spec.clone())
            .collect();
        plans.sort_by(|a, b| a.operation.cmp(&b.operation));
        plans
    }

    pub fn clear(&self) {
        lock(&self.plans).clear();
        self.active
            .store(false, std::sync::atomic::Ordering::Release);
    }

    /// The delay and the fate of one call of `operation`.
    /// The delay and the fate of one call of `operation` at the front door named `door`.
    pub fn decide(&self, door: &str, operation: &str) -> (Duration, Injected) {
        if !self.active.load(std::sync::atomic::Ordering::Acquire) {
            return (Duration::ZERO, Injected::Nothing);
        }
        let plans = lock(&self.plans);
        let plan = plans
            .get(operation)
            .or_else(|| plans.get(&format!("{door}/*")))
            .or_else(|| plans.get("*"));
        let Some(plan) = plan else {
            return (Duration::ZERO, Injected::Nothing);
        };
        let mut rng = lock(&self.rng);
        let low = plan.latency.as_millis() as u64;
        let high = plan.latency_max.map_or(0, |d| d.as_millis() as u64);
        let delay = if high > low { rng.u64(low..=high) } else { low };
        let roll = rng.f64();
        let rates = &plan.spec;
        let injected = if roll < rates.drop_rate {
            Injected::Drop
        } else if roll < rates.drop_rate + rates.fault_rate {
            Injected::Fault
        } else if roll < rates.drop_rate + rates.fault_rate + rates.error_rate {
            Injected::Error(plan.error)
        } else {
            Injected::Nothing
        };
        (Duration::from_millis(delay), injected)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

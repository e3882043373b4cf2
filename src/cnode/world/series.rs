//! What the front door asks about series payments.

use super::{SeriesState, World};

impl World {
    /// Whether `series_id` names a series with `user` that is waiting for acceptance or open.
    pub fn series_is_live_with(&self, series_id: &str, user: &str) -> bool {
        self.series.get(series_id).is_some_and(|series| {
            series.username == user
                && matches!(series.state, SeriesState::Pending | SeriesState::Open)
        })
    }
}

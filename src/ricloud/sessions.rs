//! `/users`, `/sources` and `/sessions`: a user per identifier, a source per (user, type,
//! identifier), and a session whose `state` follows its `session.init` task.

use std::sync::Arc;

use serde_json::{json, Value};

use super::list::{page, Query, Window};
use super::registry::{Attrs, Session, Source, User};
use super::reply::{Error, Reply};
use super::task::{Init, InitOutcome, Work, SESSION_INIT, SUCCEEDED};
use super::tasks::Ctx;
use super::Ricloud;
use crate::engine::clock::Millis;

/// The source types a session can be opened on (dialects.md 2.6).
pub const SOURCE_TYPES: [&str; 3] = ["icloud.account", "mocks.mock", "rirelay.source"];

const SESSION_STATES: [&str; 4] = ["pending", "active", "failed", "expired"];

/// A text field of a body: `None` when absent or null.
pub(super) fn text_field<'b>(body: &'b Value, name: &str) -> Result<Option<&'b str>, Error> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if !text.is_empty() => Ok(Some(text)),
        Some(_) => Err(Error::invalid_parameter(name, "must be a non-empty string")),
    }
}

/// A reference to a resource: its id, or the resource itself (ricloud-py sends objects).
pub(super) fn reference<'b>(body: &'b Value, name: &str) -> Result<Option<&'b str>, Error> {
    match body.get(name) {
        Some(Value::Object(object)) => match object.get("id") {
            Some(Value::String(id)) => Ok(Some(id)),
            _ => Err(Error::invalid_parameter(name, "must be an id")),
        },
        _ => text_field(body, name),
    }
}

impl Ricloud {
    fn user_json(&self, user: &User) -> Value {
        json!({
            "id": user.id,
            "resource": "user",
            "organisation": self.organisation(),
            "key": user.key,
            "identifier": user.identifier,
            "date_created": self.datetime(user.created),
        })
    }

    fn source_json(&self, source: &Source) -> Value {
        json!({
            "id": source.id,
            "resource": "source",
            "organisation": self.organisation(),
            "user": source.user,
            "type": source.source_type,
            "identifier": source.identifier,
            "date_created": self.datetime(source.created),
        })
    }

    /// `POST /users`: the user of this identifier, made when there is none yet.
    pub fn create_user(&self, body: &Value, ctx: &Ctx) -> Result<Reply, Error> {
        let identifier = text_field(body, "identifier")?
            .ok_or_else(|| Error::invalid_parameter("identifier", "is required"))?;
        let mut registry = self.registry();
        if let Some(user) = registry.users.values().find(|u| u.identifier == identifier) {
            return Ok(Reply::ok(self.user_json(user)));
        }
        let user = User {
            id: self.ids.mint(),
            key: ctx.key.to_owned(),
            identifier: identifier.to_owned(),
            created: self.now(),
        };
        let shown = self.user_json(&user);
        registry.users.insert(user.id.clone(), Arc::new(user));
        registry.bound();
        Ok(Reply::created(shown))
    }

    pub fn get_user(&self, id: &str) -> Result<Reply, Error> {
        let user = self.registry().users.get(id).cloned();
        let user = user.ok_or_else(|| Error::not_found("user"))?;
        Ok(Reply::ok(self.user_json(&user)))
    }

    pub fn list_users(&self, query: &str) -> Result<Reply, Error> {
        let query = Query::read(query)?;
        let users: Vec<Arc<User>> = self.registry().users.values().rev().cloned().collect();
        let window = Window::find(&query, users.iter().map(|u| u.id.as_str()))?;
        let matching = users
            .into_iter()
            .enumerate()
            .filter(|(_, u)| {
                query.accepts("identifier", Some(&u.identifier))
                    && query.accepts("key", Some(&u.key))
                    && query.accepts_date("date_created", Some(self.wall(u.created)))
            })
            .collect();
        Ok(Reply::ok(page(matching, window, &query, "/users", |u| {
            self.user_json(u)
        })))
    }

    pub fn get_source(&self, id: &str) -> Result<Reply, Error> {
        let source = self.registry().sources.get(id).cloned();
        let source = source.ok_or_else(|| Error::not_found("source"))?;
        Ok(Reply::ok(self.source_json(&source)))
    }

    pub fn list_sources(&self, query: &str) -> Result<Reply, Error> {
        let query = Query::read(query)?;
        let sources: Vec<Arc<Source>> = self.registry().sources.values().rev().cloned().collect();
        let window = Window::find(&query, sources.iter().map(|s| s.id.as_str()))?;
        let matching = sources
            .into_iter()
            .enumerate()
            .filter(|(_, s)| {
                query.accepts("user", Some(&s.user))
                    && query.accepts("type", Some(&s.source_type))
                    && query.accepts("identifier", Some(&s.identifier))
                    && query.accepts_date("date_created", Some(self.wall(s.created)))
            })
            .collect();
        Ok(Reply::ok(page(matching, window, &query, "/sources", |s| {
            self.source_json(s)
        })))
    }

    /// The source a session names: by id, or `{user, type, identifier}` (made when new).
    fn session_source(&self, body: &Value) -> Result<Arc<Source>, Error> {
        let spec = match body.get("source") {
            Some(Value::Object(spec)) if !spec.contains_key("user") => {
                // A source object as ricloud-py sends a retrieved one: its id.
                let id = reference(body, "source")?.unwrap_or_default();
                return self
                    .registry()
                    .sources
                    .get(id)
                    .cloned()
                    .ok_or_else(|| Error::invalid_parameter("source", "no such source"));
            }
            Some(Value::Object(_)) => body.get("source").cloned().unwrap_or_default(),
            _ => {
                let id = text_field(body, "source")?
                    .ok_or_else(|| Error::invalid_parameter("source", "is required"))?;
                return self
                    .registry()
                    .sources
                    .get(id)
                    .cloned()
                    .ok_or_else(|| Error::invalid_parameter("source", "no such source"));
            }
        };
        let user = reference(&spec, "user")?
            .ok_or_else(|| Error::invalid_parameter("source", "names no user"))?;
        let source_type = text_field(&spec, "type")?
            .filter(|t| SOURCE_TYPES.contains(t))
            .ok_or_else(|| {
                Error::invalid_parameter(
                    "source",
                    format!("type must be one of {}", SOURCE_TYPES.join(", ")),
                )
            })?;
        let identifier = text_field(&spec, "identifier")?
            .ok_or_else(|| Error::invalid_parameter("source", "names no identifier"))?;
        let mut registry = self.registry();
        let user = registry
            .users
            .values()
            .find(|u| u.id == user || u.identifier == user)
            .map(|u| u.id.clone())
            .ok_or_else(|| Error::invalid_parameter("source", "no such user"))?;
        let known = registry
            .sources
            .values()
            .find(|s| s.user == user && s.source_type == source_type && s.identifier == identifier);
        if let Some(source) = known {
            return Ok(source.clone());
        }
        let source = Arc::new(Source {
            id: self.ids.mint(),
            user,
            source_type: source_type.to_owned(),
            identifier: identifier.to_owned(),
            created: self.now(),
        });
        registry.sources.insert(source.id.clone(), source.clone());
        registry.bound();
        Ok(source)
    }

    /// `POST /sessions`: a session on its source, opened by a `session.init` task.
    pub fn create_session(&self, body: &Value, ctx: &Ctx) -> Result<Reply, Error> {
        if !matches!(
            body.get("payload"),
            None | Some(Value::Null | Value::Object(_))
        ) {
            return Err(Error::invalid_parameter("payload", "must be an object"));
        }
        let source = self.session_source(body)?;
        let id = self.ids.mint();
        let outcome = Arc::new(InitOutcome::default());
        let attrs = Attrs {
            type_name: SESSION_INIT.name,
            key: Some(ctx.key.to_owned()),
            user: Some(source.user.clone()),
            source: Some(source.id.clone()),
            session: Some(id.clone()),
            source_type: Some(source.source_type.clone()),
            ..Attrs::default()
        };
        let job = Box::new(Work::new(&SESSION_INIT, self.pace()).opening(outcome.clone()));
        let init = self.start(attrs, job, None, Default::default())?;
        let session = Arc::new(Session {
            id: id.clone(),
            key: ctx.key.to_owned(),
            user: source.user.clone(),
            source: source.id.clone(),
            init,
            outcome,
            created: self.now(),
            expired: None,
        });
        self.registry().sessions.insert(id, session.clone());
        Ok(Reply::created(self.session_json(&session, false)))
    }

    /// Where a session's init stands. Reading it moves the init as a read of that task would
    /// (per-poll progression), and catches the cell up with an init its job did not end
    /// (a world reset ended it) or that is gone; a forced or dictated end is steered into
    /// the cell by the job itself.
    pub(super) fn session_outcome(&self, session: &Session, poll: bool) -> Init {
        let outcome = session.outcome.get();
        if outcome != Init::Pending {
            return outcome;
        }
        let view = if poll {
            self.engine.poll(session.init)
        } else {
            self.engine.task(session.init)
        };
        match view {
            None => session.outcome.set(Init::Failed),
            Some(view) if view.is_final() => session.outcome.set(if view.status == SUCCEEDED {
                Init::Active
            } else {
                Init::Failed
            }),
            Some(_) => {}
        }
        session.outcome.get()
    }

    pub(super) fn session_json(&self, session: &Session, poll: bool) -> Value {
        let outcome = self.session_outcome(session, poll);
        let state = match outcome {
            Init::Pending => "pending",
            Init::Active => "active",
            Init::Failed => "failed",
            Init::Expired => "expired",
        };
        let source = self.registry().sources.get(&session.source).cloned();
        json!({
            "id": session.id,
            "resource": "session",
            "organisation": self.organisation(),
            "key": session.key,
            "user": session.user,
            "source": source.map_or(Value::Null, |s| self.source_json(&s)),
            "state": state,
            "error": (outcome == Init::Failed).then_some("init_failed"),
            "date_created": self.datetime(session.created),
            "date_expired": session.expired.map(|at| self.datetime(at)),
        })
    }

    pub(super) fn session(&self, id: &str) -> Option<Arc<Session>> {
        self.registry().sessions.get(id).cloned()
    }

    pub fn get_session(&self, id: &str) -> Result<Reply, Error> {
        let session = self
            .session(id)
            .ok_or_else(|| Error::not_found("session"))?;
        Ok(Reply::ok(self.session_json(&session, true)))
    }

    /// `DELETE /sessions/{id}`: the session expires; its polls' waiting tasks fail.
    pub fn delete_session(&self, id: &str) -> Result<Reply, Error> {
        let session = self
            .session(id)
            .ok_or_else(|| Error::not_found("session"))?;
        session.outcome.set(Init::Expired);
        let expired = Arc::new(Session {
            expired: Some(session.expired.unwrap_or_else(|| self.now())),
            ..(*session).clone()
        });
        self.registry()
            .sessions
            .insert(id.to_owned(), expired.clone());
        Ok(Reply::ok(self.session_json(&expired, false)))
    }

    pub fn list_sessions(&self, query: &str) -> Result<Reply, Error> {
        let query = Query::read(query)?;
        query.check_one_of("state", &SESSION_STATES)?;
        let sessions: Vec<Arc<Session>> =
            self.registry().sessions.values().rev().cloned().collect();
        let window = Window::find(&query, sessions.iter().map(|s| s.id.as_str()))?;
        let matching = sessions
            .into_iter()
            .enumerate()
            .map(|(at, s)| {
                let shown = self.session_json(&s, false);
                (at, shown)
            })
            .filter(|(_, shown)| {
                ["key", "user", "state"]
                    .iter()
                    .all(|name| query.accepts(name, shown[name].as_str()))
                    && query.accepts("source", shown["source"]["id"].as_str())
                    && query.accepts_date("date_created", self.shown_date(&shown["date_created"]))
                    && query.accepts_date("date_expired", self.shown_date(&shown["date_expired"]))
            })
            .collect();
        Ok(Reply::ok(page(
            matching,
            window,
            &query,
            "/sessions",
            |s| s.clone(),
        )))
    }

    pub(super) fn wall(&self, at: Millis) -> chrono::DateTime<chrono::Utc> {
        self.engine.clock().wall(at)
    }

    /// A datetime as shown, back as a time (to the second, as shown).
    pub(super) fn shown_date(&self, shown: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
        shown
            .as_str()
            .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
            .map(|at| at.with_timezone(&chrono::Utc))
    }
}

//! Who is asking: the one input every operation takes besides its own. Permission helpers live
//! here and on [`SessionUser`]; the doors (pages, JSON API) only find out who the actor is.

use types::error::AppError;
use types::model::{SessionUser, Viewer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A resident or a crawler: published public data only.
    Anonymous,
    /// A member of staff signed in with a session.
    Staff(SessionUser),
    /// A program using a member of staff's API key (`Authorization: Bearer dn_…`).
    ApiKey(SessionUser),
    /// The server itself: a scheduled harvest, the crowd feed, the job worker.
    System(&'static str),
}

impl Actor {
    /// The actor of a request with (or without) a signed-in user.
    pub fn from_user(user: Option<SessionUser>) -> Actor {
        user.map(Actor::Staff).unwrap_or(Actor::Anonymous)
    }

    /// What this actor may read of the catalog.
    pub fn viewer(&self) -> Viewer {
        match self.person() {
            Some(user) => Viewer::Staff(user.clone()),
            None => Viewer::Public,
        }
    }

    /// The member of staff behind a session or a key.
    pub fn person(&self) -> Option<&SessionUser> {
        match self {
            Actor::Staff(user) | Actor::ApiKey(user) => Some(user),
            Actor::Anonymous | Actor::System(_) => None,
        }
    }

    /// The member of staff, or `Unauthenticated`.
    pub fn user(&self) -> Result<&SessionUser, AppError> {
        self.person().ok_or(AppError::Unauthenticated)
    }

    /// An administrator, or `Unauthenticated` / `Forbidden`.
    pub fn admin(&self) -> Result<&SessionUser, AppError> {
        let user = self.user()?;
        user.require_admin()?;
        Ok(user)
    }
}

impl From<Viewer> for Actor {
    fn from(v: Viewer) -> Actor {
        match v {
            Viewer::Public => Actor::Anonymous,
            Viewer::Staff(user) => Actor::Staff(user),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use types::model::Role;

    fn user(role: Role) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            role,
            department: None,
        }
    }

    #[test]
    fn only_people_are_users_and_only_admins_are_admins() {
        assert_eq!(Actor::Anonymous.user(), Err(AppError::Unauthenticated));
        assert_eq!(Actor::System("feed").user(), Err(AppError::Unauthenticated));
        assert_eq!(Actor::Anonymous.viewer(), Viewer::Public);
        let editor = Actor::Staff(user(Role::Editor));
        assert!(editor.user().is_ok());
        assert_eq!(editor.admin(), Err(AppError::Forbidden));
        let key = Actor::ApiKey(user(Role::Admin));
        assert!(key.admin().is_ok());
        assert_eq!(key.viewer(), Viewer::Staff(user(Role::Admin)));
    }
}

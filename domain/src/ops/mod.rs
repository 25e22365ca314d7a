//! The operations both front doors call: the pages' server functions (`app::api`) and the JSON
//! APIs (`server::http`). Each is `op(ctx, actor, input)`: it checks what the actor may do, then
//! runs the effect (in the service modules, one transaction each), refreshes the search index
//! and announces the change. A door finds out who the actor is and presents the answer; it
//! checks nothing itself.

pub mod admin;
pub mod catalog;
pub mod collab;
pub mod crowd;
pub mod jobs;
pub mod open_data;
pub mod portal;
pub mod session;

pub use crate::actor::Actor;
pub use crate::ctx::Services as Ctx;

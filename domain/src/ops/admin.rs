//! Administration: departments, users and terms (administrators only).

use types::admin::{DepartmentInput, TermInput, UserInput};
use types::error::AppError;
use types::model::{AdminOverview, DepartmentRef, SessionUser, TermRef};

use super::{Actor, Ctx};
use crate::services::admin;

pub async fn overview(ctx: &Ctx, actor: &Actor) -> Result<AdminOverview, AppError> {
    actor.admin()?;
    admin::overview(&ctx.db).await
}

pub async fn save_department(
    ctx: &Ctx,
    actor: &Actor,
    input: &DepartmentInput,
) -> Result<DepartmentRef, AppError> {
    actor.admin()?;
    admin::save_department::save_department(&ctx.db, input).await
}

pub async fn save_user(
    ctx: &Ctx,
    actor: &Actor,
    input: &UserInput,
) -> Result<SessionUser, AppError> {
    admin::save_user::save_user(&ctx.db, actor.admin()?, input).await
}

pub async fn save_term(ctx: &Ctx, actor: &Actor, input: &TermInput) -> Result<TermRef, AppError> {
    actor.admin()?;
    admin::save_term::save_term(&ctx.db, &ctx.search, input).await
}

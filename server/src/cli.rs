//! Command-line actions beyond serving (errors as `anyhow`, per the error policy): harvest
//! sources.

use app::jobs::{HarvestSourceInfo, HarvestSourceInput, JobOutcome};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::config::Config;
use domain::ctx::Services;
use domain::services::{self, harvest, jobs};

fn app_err(e: app::error::AppError) -> anyhow::Error {
    match e {
        app::error::AppError::InvalidFields { errors } => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|e| e.message_en.clone())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        e => anyhow::anyhow!("{}", e.message(app::i18n::Lang::En)),
    }
}

fn print_source(s: &HarvestSourceInfo) {
    let schedule = match (s.enabled, s.interval_minutes) {
        (false, _) => "disabled".to_string(),
        (true, Some(m)) => format!("every {m} min"),
        (true, None) => "on demand".to_string(),
    };
    let last = s
        .last_job
        .as_ref()
        .map(|j| format!("last job #{} {}", j.id, j.status.code()))
        .unwrap_or_else(|| "never run".into());
    println!(
        "{:>4}  {:<5}  {}  ({})  {}  [{} datasets; {schedule}; {last}]",
        s.id,
        s.kind.code(),
        s.name,
        s.department.code,
        s.url,
        s.datasets
    );
}

pub async fn harvest_list(config: &Config) -> anyhow::Result<()> {
    let db = crate::prepare_database(config).await?;
    let all = harvest::list(&db).await.map_err(app_err)?;
    if all.is_empty() {
        println!("no harvest sources (add one with `server harvest add`)");
    }
    for s in &all {
        print_source(s);
    }
    Ok(())
}

pub async fn harvest_add(config: &Config, input: HarvestSourceInput) -> anyhow::Result<()> {
    let db = crate::prepare_database(config).await?;
    let saved = harvest::save_source::save_source(&db, &input)
        .await
        .map_err(app_err)?;
    print_source(&saved);
    Ok(())
}

async fn admin_user(
    db: &DatabaseConnection,
    username: &str,
) -> anyhow::Result<app::model::SessionUser> {
    let u = domain::entities::user::Entity::find()
        .filter(domain::entities::user::Column::Username.eq(username))
        .filter(domain::entities::user::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no active user '{username}' (--user)"))?;
    let user = services::auth::to_session_user(db, u)
        .await
        .map_err(app_err)?;
    user.require_admin().map_err(app_err)?;
    Ok(user)
}

/// Run a source now, in this process (or wait for a server's worker that already took it),
/// and print the report.
pub async fn harvest_run(config: &Config, id: i32, username: &str) -> anyhow::Result<()> {
    let db = crate::prepare_database(config).await?;
    let user = admin_user(&db, username).await?;
    let source = harvest::find(&db, id).await.map_err(app_err)?;
    let services = Services::new(db.clone())
        .await
        .map_err(|e| anyhow::anyhow!("building the search index: {e}"))?
        .with_uploads(config.data_dir.join("uploads"))
        .with_fetch_allow(config.fetch_allow.clone());
    let job = harvest::queue_run(&db, &source, Some(user.id))
        .await
        .map_err(app_err)?;
    println!("harvesting '{}' as job #{job}", source.name);
    jobs::runner::run_here(&services, job)
        .await
        .map_err(app_err)?;
    let info = jobs::wait(&db, &user, job, std::time::Duration::from_secs(3600))
        .await
        .map_err(app_err)?;
    if let Some(e) = info.error {
        anyhow::bail!("job #{job} failed: {}", e.message(app::i18n::Lang::En));
    }
    match info.outcome {
        Some(JobOutcome::Harvest(r)) => {
            println!(
                "{} fetched: {} created, {} updated, {} unchanged, {} archived, {} failed{}",
                r.fetched,
                r.created,
                r.updated,
                r.unchanged,
                r.archived,
                r.failed.len(),
                if r.created + r.updated + r.archived > 0 {
                    "; running servers see the changes after a restart"
                } else {
                    ""
                }
            );
            for f in r.failed {
                println!(
                    "failed {}: {}",
                    f.key.unwrap_or_else(|| "-".into()),
                    f.reason
                );
            }
            Ok(())
        }
        _ => anyhow::bail!("job #{job} is still {}", info.status.code()),
    }
}

/// `server admin create`: the first administrator of a database without demo data.
pub async fn admin_create(
    config: &Config,
    username: &str,
    display_name: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    use rand::distributions::{Alphanumeric, DistString};
    let db = crate::prepare_database(config).await?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (Alphanumeric.sample_string(&mut rand::rngs::OsRng, 20), true)
    };
    let display_name = display_name.unwrap_or_else(|| username.to_string());
    services::admin::create_first_admin::create_first_admin(
        &db,
        username,
        &display_name,
        &password,
    )
    .await
    .map_err(app_err)?;
    println!("administrator '{username}' created");
    if generated {
        println!("password (shown once; change it after signing in): {password}");
    }
    Ok(())
}

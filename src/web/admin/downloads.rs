//! CSV downloads of a round's progress and statistics from the console: the API's own rows
//! (`api::progress_row`, `api::statistics_row`) written by its own CSV writer, so a file from the
//! console and one from `Accept: text/csv` are the same, withheld cells included.

use super::page::service_error;
use crate::api::media_types::{CsvRow, to_csv};
use crate::api::{ProgressRow, StatisticsRow, progress_row, statistics_row};
use crate::domain::peers::Grouping;
use crate::domain::validation::FieldIssue;
use crate::service::console::ConsoleUser;
use crate::service::{ServiceError, ServiceResult, research};
use crate::web::Site;
use poem::http::header;
use poem::web::{Data, Path, Query};
use poem::{IntoResponse, Response, handler};

#[derive(serde::Deserialize, Default)]
pub struct GroupBy {
    /// e.g. `kind` or `kind,region`; all organisations when absent.
    group_by: Option<String>,
}

fn grouping(q: &GroupBy) -> ServiceResult<Grouping> {
    Grouping::parse(q.group_by.as_deref().unwrap_or_default()).map_err(|message| {
        ServiceError::rejected(
            "The grouping is not valid.",
            vec![FieldIssue::new("group_by", message)],
        )
    })
}

/// `rows` as the API writes them, as a download named for the round and `what`.
fn csv<T: CsvRow>(rows: &[T], code: &str, what: &str) -> Response {
    to_csv(&T::header(), rows.iter().map(CsvRow::cells))
        .with_content_type("text/csv; charset=utf-8")
        .with_header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"soundings-{code}-{what}.csv\""),
        )
        .into_response()
}

/// `GET /admin/rounds/{code}/progress.csv?group_by=…`
#[handler]
pub async fn progress(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    Query(q): Query<GroupBy>,
) -> Response {
    let found = match grouping(&q) {
        Ok(g) => research::progress(&site, &code, &g).await,
        Err(err) => Err(err),
    };
    match found {
        Ok(groups) => {
            let rows: Vec<ProgressRow> = groups.iter().map(progress_row).collect();
            csv(&rows, &code, "progress")
        }
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/rounds/{code}/statistics.csv?group_by=…`
#[handler]
pub async fn statistics(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    Query(q): Query<GroupBy>,
) -> Response {
    let found = match grouping(&q) {
        Ok(g) => research::statistics(&site, &code, &g).await,
        Err(err) => Err(err),
    };
    match found {
        Ok(stats) => {
            let rows: Vec<StatisticsRow> = stats.iter().cloned().map(statistics_row).collect();
            csv(&rows, &code, "statistics")
        }
        Err(err) => service_error(&site, &user, err),
    }
}

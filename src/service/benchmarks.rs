//! Benchmarks and researchers' tables as the API needs them: a round's submitted data, loaded in a
//! few queries and cached per process. The cache is checked against the database on every use
//! (one query: the count and the sum of revisions of the round's submitted responses, and the
//! sum of organisations' revisions; see [`benchmarks::Fingerprint`]), so a submission, an
//! amendment or an organisation's edit on any instance is seen by the next request everywhere.
//! When it has changed, only the responses whose revision moved are read again, in one database snapshot, and the rest is reused; so the first
//! request after a submission costs a few small queries, not a reload of the round. What is
//! worked out from the data (peer groups, their figures and option counts) is kept with it, so a
//! bulk run of reports does each group's work once.

use crate::domain::benchmark::{OrgBenchmark, QuestionComparison, assemble, mark_chosen_in};
use crate::domain::peers::{Grouping, Threshold};
use crate::service::{ServiceError, ServiceResult, Services};
use crate::store::DbError;
use entity::round;
use published::published_after;
pub use published::{Distributions, Published, published};
use std::sync::Arc;

mod cache;
mod published;
mod round_responses;
#[cfg(test)]
mod tests;

pub use cache::{RoundCache, live_round_data, round_data};
use round_responses::read_all_marks_soon;
pub use round_responses::{Marks, RoundData};

/// The disclosure threshold in force.
pub fn threshold(state: &Services) -> Threshold {
    Threshold(state.disclosure.threshold)
}

/// Everything about one organisation's standing in one round: the input of its report and of the
/// benchmark route.
pub struct OrganisationBenchmark {
    pub data: Arc<RoundData>,
    pub organisation: entity::organisation::Model,
    pub benchmark: OrgBenchmark,
    /// Each choice question: the organisation's answer beside its peer group's answers.
    pub questions: Vec<QuestionComparison>,
    /// The previous round of the same survey, if any.
    pub previous_round: Option<round::Model>,
}

/// Why an organisation's benchmark cannot be made.
pub enum Missing {
    /// The organisation has no submitted response in the round.
    NotSubmitted,
}

impl Missing {
    /// What a front end answers when `organisation`'s benchmark or report in `round` is missing.
    pub fn error(self, organisation: &str, round: &round::Model) -> ServiceError {
        match self {
            Missing::NotSubmitted => ServiceError::not_found(format!(
                "{organisation} has not submitted a response in round {}.",
                round.code
            )),
        }
    }
}

/// The benchmark of the organisation coded `organisation` in the round coded `round`: not found
/// when either does not exist or the organisation has not submitted in the round.
pub async fn find(
    services: &Services,
    round: &str,
    organisation: &str,
) -> ServiceResult<OrganisationBenchmark> {
    let round = super::rounds::find(services, round).await?;
    let organisation = super::organisations::find(services, organisation).await?;
    let code = organisation.code.clone();
    organisation_benchmark(services, &round, organisation)
        .await?
        .map_err(|missing| missing.error(&code, &round))
}

/// A round's data and what every organisation's benchmark in it also needs (the previous
/// round's data, the survey version), read once. A bulk run of reports makes them all from one
/// context, so they all describe the same moment.
pub struct RoundContext {
    pub round: round::Model,
    pub data: Arc<RoundData>,
    pub previous_round: Option<round::Model>,
    previous: Option<Arc<RoundData>>,
    version: entity::survey_version::Model,
    /// The survey's earlier rounds (the last is `previous_round`), read once for the previous
    /// round and for the disclosure snapshot, which depends on them.
    earlier: Vec<round::Model>,
}

/// The context for one benchmark or report: the previous round's data is not read, only the
/// organisation's own scores in it, when asked for (a round's first read is the slow part of a
/// first request after a start).
pub async fn round_context(
    state: &Services,
    round: &round::Model,
) -> Result<RoundContext, DbError> {
    context_of(state, round, false).await
}

/// The context for a run over the whole round: the previous round's data is read once too.
pub async fn bulk_round_context(
    state: &Services,
    round: &round::Model,
) -> Result<RoundContext, DbError> {
    context_of(state, round, true).await
}

async fn context_of(
    state: &Services,
    round: &round::Model,
    read_previous: bool,
) -> Result<RoundContext, DbError> {
    let data = round_data(state, round).await?;
    let earlier = crate::store::respondents::earlier_rounds(&state.db, round).await?;
    let previous_round = earlier.last().cloned();
    let previous = match &previous_round {
        Some(prev) if read_previous => Some(round_data(state, prev).await?),
        _ => None,
    };
    let version =
        crate::store::surveys::existing_version(&state.db, round.survey_version_id).await?;
    Ok(RoundContext {
        round: round.clone(),
        data,
        previous_round,
        previous,
        version,
        earlier,
    })
}

/// The benchmark of `organisation` in `round`, from stored scores and answers.
pub async fn organisation_benchmark(
    state: &Services,
    round: &round::Model,
    organisation: entity::organisation::Model,
) -> Result<Result<OrganisationBenchmark, Missing>, DbError> {
    let context = round_context(state, round).await?;
    benchmark_in(state, &context, organisation).await
}

/// The benchmark of `organisation` in the round of `context`.
pub async fn benchmark_in(
    state: &Services,
    context: &RoundContext,
    organisation: entity::organisation::Model,
) -> Result<Result<OrganisationBenchmark, Missing>, DbError> {
    let data = &context.data;
    let Some(index) = data.index_of(organisation.id) else {
        return Ok(Err(Missing::NotSubmitted));
    };
    let previous_scores = match (&context.previous, &context.previous_round) {
        (Some(prev), _) => prev
            .index_of(organisation.id)
            .map(|i| prev.submitted[i].scores.clone()),
        // The previous round as it is published: its release, once it has one.
        (None, Some(prev)) => {
            let prev = round_data(state, prev).await?;
            prev.index_of(organisation.id)
                .map(|i| prev.submitted[i].scores.clone())
        }
        (None, None) => None,
    };
    let published = published_after(state, data, &context.earlier).await?;
    let choice = published.choose(data, index);
    let verdict = published.snapshot.verdict(&choice.grouping, &choice.key);
    let figures = data.figures(&choice);
    let benchmark = assemble(
        &data.definition,
        &data.submitted[index].scores,
        &choice,
        &figures,
        previous_scores.as_ref(),
        verdict,
        published.snapshot.threshold(),
    );
    let mut questions = published
        .option_counts(state, data, &choice)
        .await?
        .as_ref()
        .clone();
    if let Some(own) = data.marks_of(state, &[index]).await?.first() {
        mark_chosen_in(&mut questions, &data.layout, own);
    }
    read_all_marks_soon(state, data);
    Ok(Ok(OrganisationBenchmark {
        data: data.clone(),
        organisation,
        benchmark,
        questions,
        previous_round: context.previous_round.clone(),
    }))
}

/// An organisation's report model for a round.
pub async fn organisation_report(
    state: &Services,
    round: &round::Model,
    organisation: entity::organisation::Model,
    language: crate::domain::language::Language,
) -> Result<Result<crate::report::model::Report, Missing>, DbError> {
    let context = round_context(state, round).await?;
    report_in(state, &context, organisation, language).await
}

/// An organisation's report model for the round of `context`.
pub async fn report_in(
    state: &Services,
    context: &RoundContext,
    organisation: entity::organisation::Model,
    language: crate::domain::language::Language,
) -> Result<Result<crate::report::model::Report, Missing>, DbError> {
    let found = match benchmark_in(state, context, organisation).await? {
        Ok(found) => found,
        Err(missing) => return Ok(Err(missing)),
    };
    let inputs = crate::report::build::Inputs {
        definition: &found.data.definition,
        definition_sha256: &context.version.sha256,
        survey_version: context.version.version,
        organisation: &found.organisation,
        round: &context.round,
        previous_round: found.previous_round.as_ref(),
        k: state.disclosure.threshold,
        language,
    };
    Ok(Ok(crate::report::build::build(
        &inputs,
        &found.benchmark,
        &found.questions,
    )))
}

/// The national summary of a round: every organisation, overall and by kind.
pub async fn round_summary(
    state: &Services,
    round: &round::Model,
    language: crate::domain::language::Language,
) -> Result<crate::report::summary::SummaryReport, DbError> {
    let data = round_data(state, round).await?;
    let k = threshold(state);
    let published = published(state, &data).await?;
    let all = published.statistics(&data, &Grouping::all());
    let by_kind = published.statistics(
        &data,
        &Grouping::of(&[crate::domain::peers::Attribute::Kind]),
    );
    let progress = crate::store::progress::progress(&state.db, round.id).await?;
    let version =
        crate::store::surveys::existing_version(&state.db, round.survey_version_id).await?;
    let inputs = crate::report::summary::SummaryInputs {
        definition: &data.definition,
        sha256: &version.sha256,
        survey_version: version.version,
        round,
        k: k.0,
        invited: progress.invited.len(),
        submitted: progress.submitted.len(),
        language,
    };
    Ok(crate::report::summary::build(&inputs, &all, &by_kind))
}

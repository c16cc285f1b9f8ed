//! The console's preview of a survey version: every section as a respondent would see it,
//! through the respondent pages' own question view and macro.

use super::view::{QuestionView, question_view};
use crate::domain::language::Language;
use serde_json::json;
use std::collections::HashSet;

/// Every section of `def` as a respondent would see it before answering anything, every
/// question shown (a conditional one says when to answer it): the console's preview of a
/// survey version, rendered with the respondent pages' own macro.
pub(in crate::web) fn preview(
    def: &crate::domain::definition::Definition,
    lang: Language,
) -> serde_json::Value {
    let def = &def.localized(lang);
    let all: HashSet<&str> = def
        .sections
        .iter()
        .flat_map(|s| s.questions.iter().map(|q| q.key.as_str()))
        .collect();
    let sections: Vec<serde_json::Value> = def
        .sections
        .iter()
        .map(|s| {
            let questions: Vec<QuestionView> = s
                .questions
                .iter()
                .map(|q| question_view(def, q, None, None, None, &all, lang))
                .collect();
            json!({ "key": s.key, "title": s.title, "intro": s.intro, "questions": questions })
        })
        .collect();
    json!(sections)
}

//! Small definitions for tests across the domain (answers, scoring, definition).

use super::{Definition, Format};

/// Three levels (Low from 0, Mid from 20, High from 60); dimensions `a` (weight 2), `b` and `c`
/// (weight 1 each); one question of every type. `plan_reviewed` is shown for a draft or agreed
/// plan, `tools` when the plan was reviewed (a chain), `members` and `members_note` for groups.
pub const SMALL: &str = r#"
slug: small
version: 1
title: "Small"
description: "A small survey for tests."
levels:
  - { name: Low, min_score: 0 }
  - { name: Mid, min_score: 20 }
  - { name: High, min_score: 60 }
dimensions:
  - { key: a, title: "A", weight: 2 }
  - { key: b, title: "B", weight: 1 }
  - { key: c, title: "C", weight: 1 }
sections:
  - key: first
    title: "First"
    questions:
      - key: plan
        prompt: "Is there a plan?"
        type: single_choice
        required: true
        dimension: a
        options:
          - { value: none, label: "No", score: 0 }
          - { value: draft, label: "A draft", score: 1 }
          - { value: agreed, label: "An agreed plan", score: 3 }
      - key: plan_reviewed
        prompt: "Has the plan been reviewed?"
        type: yes_no
        required: true
        dimension: a
        show_if: { question: plan, any_of: [draft, agreed] }
        scores: { "yes": 2, "no": 0 }
      - key: tools
        prompt: "Which tools do you use to review the plan?"
        type: multi_choice
        dimension: a
        show_if: { question: plan_reviewed, any_of: ["yes"] }
        max_score: 2
        options:
          - { value: x, label: "X", score: 1 }
          - { value: y, label: "Y", score: 1 }
          - { value: z, label: "Z", score: 1 }
          - { value: no_tools, label: "None of these", score: 0, exclusive: true }
  - key: second
    title: "Second"
    questions:
      - key: often
        prompt: "How often?"
        type: scale
        dimension: b
        points: 5
        labels: ["Never", "Rarely", "Sometimes", "Often", "Always"]
      - key: wte
        prompt: "How many WTE?"
        type: decimal
        required: true
        dimension: b
        unit: WTE
        min: 0
        max: 100
        step: 0.1
        bands:
          - { min: 0, score: 0 }
          - { min: 0.5, score: 1 }
          - { min: 1.5, score: 2 }
          - { min: 3, score: 3 }
      - key: has_groups
        prompt: "Do you run groups?"
        type: yes_no
        required: true
      - key: members
        prompt: "How many members?"
        type: integer
        required: true
        dimension: c
        show_if: { question: has_groups, any_of: ["yes"] }
        min: 0
        max: 100000
        bands:
          - { min: 0, score: 0 }
          - { min: 50, score: 1 }
          - { min: 200, score: 2 }
      - key: members_note
        prompt: "Anything to add about the groups?"
        type: text
        max_length: 20
        show_if: { question: has_groups, any_of: ["yes"] }
"#;

/// [`SMALL`], parsed.
pub fn small() -> Definition {
    match Definition::parse(SMALL, Format::Yaml) {
        Ok(definition) => definition,
        Err(errors) => panic!("the SMALL fixture is invalid: {errors:?}"),
    }
}

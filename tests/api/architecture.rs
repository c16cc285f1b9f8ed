//! The shape of the code, checked (ARCHITECTURE.md): the top-level modules import one another
//! without a cycle; no front end (`api`, `web`, `cli`, `demo`) names sea-orm, the entities or
//! the store; no source file is longer than 400 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The file's text without comments, and without its unit tests (which may reach anywhere).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file of `src/` belongs to (`lib` and `main` for the crate roots).
fn module_of(src: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_owned()
}

/// Every top-level module each module names as `crate::<module>`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(ROOT).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(&src) {
        if path.ends_with("tests.rs") || path.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let from = module_of(&src, &path);
        let code = code_of(&path);
        let mut named = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let target: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !target.is_empty() && target != from {
                named.insert(target);
            }
            // `crate::{a, b::c}`
            if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or_default();
                for part in group.split(',') {
                    let target = part.trim().split("::").next().unwrap_or_default();
                    if !target.is_empty()
                        && target != from
                        && target.starts_with(char::is_lowercase)
                    {
                        named.insert(target.to_owned());
                    }
                }
            }
        }
        graph.entry(from).or_default().extend(named);
    }
    graph
}

/// A cycle through `start`, if there is one.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in graph.get(&at).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn the_top_level_modules_import_one_another_without_a_cycle() {
    let graph = imports();
    assert!(graph.contains_key("service") && graph.contains_key("api"));
    assert!(
        graph["api"].contains("service"),
        "the reader of imports is broken: api does not seem to use service"
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(&graph, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn no_front_end_names_the_database() {
    let src = Path::new(ROOT).join("src");
    let mut found = Vec::new();
    for front in ["api", "web", "cli", "demo"] {
        for path in rust_files(&src.join(front)) {
            let code = code_of(&path);
            for name in ["sea_orm", "entity::", "crate::store", "use entity"] {
                if code.contains(name) {
                    found.push(format!("{} names {name}", path.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_source_file_is_over_400_lines() {
    let mut long = Vec::new();
    for dir in ["src", "tests", "benches", "migration", "entity"] {
        for path in rust_files(&Path::new(ROOT).join(dir)) {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            if lines > 400 {
                long.push(format!("{}: {lines} lines", path.display()));
            }
        }
    }
    assert!(long.is_empty(), "{long:#?}");
}

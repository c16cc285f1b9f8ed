//! Colleagues' pages in Welsh, on the shipped instrument (which offers Welsh): a colleague's
//! start page, the 403 page, and the lead's form and list; axe-core passes on the Welsh pages.

use super::delegate;
use crate::helpers::Backend;
use crate::helpers::browser::Browser;
use crate::respond_pages::invited;

async fn colleagues_pages_in_welsh_are_written_in_welsh_and_pass_axe_core(backend: Backend) {
    let (app, lead) = invited(backend).await;
    let (_, ann) = delegate(&app, &lead, "Ann", &["staffing"]).await;

    let start = app
        .get(&format!("{ann}?lang=cy"))
        .await
        .text()
        .await
        .unwrap();
    assert!(start.contains("lang=\"cy\""), "{start}");
    assert!(start.contains("Eich adrannau"));
    assert!(start.contains("Nodi ei bod yn barod"));
    let refused = app.get(&format!("{ann}/sections/strategy?lang=cy")).await;
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Nid chi sydd i ateb y rhan hon")
    );
    let lead_page = app
        .get(&format!("{lead}?lang=cy"))
        .await
        .text()
        .await
        .unwrap();
    assert!(lead_page.contains("Rhoi dolen iddyn nhw"));
    assert!(lead_page.contains("Gofyn i gydweithiwr"));

    let browser = Browser::start().await;
    for (path, what) in [
        (format!("{lead}?lang=cy"), "the lead's start page in Welsh"),
        (
            format!("{ann}?lang=cy"),
            "a colleague's start page in Welsh",
        ),
        (
            format!("{ann}/sections/strategy?lang=cy"),
            "the 403 page in Welsh",
        ),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.assert_accessible(what).await;
    }
    browser.quit().await;
}

crate::on_both_backends!(colleagues_pages_in_welsh_are_written_in_welsh_and_pass_axe_core);

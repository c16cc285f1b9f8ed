# Report texts (report::html, report::pdf).

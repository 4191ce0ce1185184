//! Guest lists imported from pasted spreadsheet text: row checks, all-or-nothing, undo, scoping.

use super::*;
use serde_json::json;

fn guests_text(n: usize) -> String {
    let mut t = String::from("\u{feff}Guest Name;E-mail;Party size;Dietary\r\n");
    for i in 0..n {
        t.push_str(&format!("\"Guest {i}; Jr.\";guest{i}@example.com;{};\r\n", i % 4 + 1));
    }
    t
}

async fn guest_count(app: &TestApp, event: i64) -> i64 {
    sqlx::query_scalar("select count(*) from guests where event_id = $1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_pasted_list_imports_its_valid_rows_at_once_and_can_be_undone(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let event = app.event_id(EMMA_EVENT).await;
    let before = guest_count(&app, event).await;
    let mapping = json!(["name", "email", "party_size", "dietary"]);
    let text = "Guest Name;E-mail;Party size;Dietary\nAnn Lee;ann@example.com;2;vegetarian\nBo Chen;not-an-email;1;\n;;;\nCy Park;cy@example.com;40;\nDee Ross;;3;nut allergy\n";
    let r = app
        .call_json(
            Some(&emma),
            "import_guests",
            &json!({"event_id": event, "text": text, "mapping": mapping, "has_header": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = r.json();
    assert_eq!(report["imported"], 2, "{report}");
    let lines: Vec<i64> = report["rejected"].as_array().unwrap().iter().map(|r| r["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [3, 5], "Bo's email and Cy's party of 40; the empty line is not a row");
    assert_eq!(guest_count(&app, event).await, before + 2);
    let dee: (String, i32, String) =
        sqlx::query_as("select email, party_size, dietary from guests where name = 'Dee Ross'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(dee, (String::new(), 3, "nut allergy".into()));

    // Undo removes exactly what the import added, once.
    let import_id = report["import_id"].to_string();
    let r = app
        .call(Some(&emma), "undo_guest_import", &[("event_id", &event.to_string()), ("import_id", &import_id)])
        .await;
    assert_eq!(r.json(), json!(2), "{}", r.body);
    assert_eq!(guest_count(&app, event).await, before);
    let r = app
        .call(Some(&emma), "undo_guest_import", &[("event_id", &event.to_string()), ("import_id", &import_id)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Another client can neither import into her event nor undo her imports.
    let james = app.login(JAMES).await;
    let r = app
        .call_json(
            Some(&james),
            "import_guests",
            &json!({"event_id": event, "text": text, "mapping": mapping, "has_header": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app
        .call(Some(&james), "undo_guest_import", &[("event_id", &event.to_string()), ("import_id", &import_id)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Bad input: no name column, broken quotes.
    let r = app
        .call_json(
            Some(&emma),
            "import_guests",
            &json!({"event_id": event, "text": text, "mapping": [null, "email"], "has_header": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("mapping"), "{}", r.body);
    let r = app
        .call_json(
            Some(&emma),
            "import_guests",
            &json!({"event_id": event, "text": "Name\n\"Ann", "mapping": ["name"], "has_header": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("never closed"), "{}", r.body);
}

#[sqlx::test]
async fn an_import_is_all_or_nothing(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let event = app.event_id(JAMES_EVENT).await;
    let before = guest_count(&app, event).await;
    let mapping = json!(["name", "email", "party_size", "dietary"]);
    // 2,500 rows would pass the 2,000-guest limit: nothing is stored.
    let r = app
        .call_json(
            Some(&sam),
            "import_guests",
            &json!({"event_id": event, "text": guests_text(2500), "mapping": mapping, "has_header": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(guest_count(&app, event).await, before);
    let imports: i64 = sqlx::query_scalar("select count(*) from guest_imports").fetch_one(&app.pool).await.unwrap();
    assert_eq!(imports, 0);
    // 1,500 fit, quoted names with semicolons and a BOM included.
    let r = app
        .call_json(
            Some(&sam),
            "import_guests",
            &json!({"event_id": event, "text": guests_text(1500), "mapping": mapping, "has_header": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["imported"], 1500);
    assert_eq!(guest_count(&app, event).await, before + 1500);
    let name: String = sqlx::query_scalar("select name from guests where email = 'guest7@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Guest 7; Jr.");
}

#[sqlx::test]
async fn staff_record_an_inquiry_with_the_shared_parsers(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let form = [
        ("form[name]", "Maya Patel"),
        ("form[email]", "Maya.Patel@Example.com"),
        ("form[phone]", "617.555.0199"),
        ("form[event_type]", "Wedding"),
        ("form[event_date]", "June 12, 2031"),
        ("form[guest_count]", "120"),
        ("form[budget]", "$45,000"),
        ("form[space_id]", ""),
        ("form[notes]", "Saw us at the bridal fair."),
    ];
    let r = app.call(Some(&sam), "create_inquiry", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json().as_i64().unwrap();
    let (title, status, date, budget, phone): (String, String, chrono::NaiveDate, i64, String) = sqlx::query_as(
        "select e.title, e.status, e.event_date, e.budget_cents, c.phone from events e join clients c on c.id = e.client_id where e.id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (title.as_str(), status.as_str(), date.to_string().as_str(), budget, phone.as_str()),
        ("Maya Patel — Wedding", "inquiry", "2031-06-12", 4_500_000, "(617) 555-0199")
    );
    // The same email again: the same client, a second event.
    let r = app.call(Some(&sam), "create_inquiry", &form).await;
    let clients: i64 = sqlx::query_scalar("select count(*) from clients where lower(email) = 'maya.patel@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((r.status, clients), (StatusCode::OK, 1));

    // Each bad field is named; nothing is stored.
    let before: i64 = sqlx::query_scalar("select count(*) from events").fetch_one(&app.pool).await.unwrap();
    let bad = [
        ("form[name]", ""),
        ("form[email]", "maya"),
        ("form[phone]", "call me"),
        ("form[event_type]", "rave"),
        ("form[event_date]", "someday"),
        ("form[guest_count]", "0"),
    ];
    let r = app.call(Some(&sam), "create_inquiry", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["name", "email", "phone", "event_type", "event_date", "guest_count"] {
        assert!(r.body.contains(&format!("\"{field}\"")), "{field}: {}", r.body);
    }
    let after: i64 = sqlx::query_scalar("select count(*) from events").fetch_one(&app.pool).await.unwrap();
    assert_eq!(before, after);

    // Clients cannot; the page says so too.
    let emma = app.login(EMMA).await;
    assert_eq!(app.call(Some(&emma), "create_inquiry", &form).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.page(Some(&emma), "/inquiries/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.page(Some(&sam), "/inquiries/new").await.status, StatusCode::OK);
}

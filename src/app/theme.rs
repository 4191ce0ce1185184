//! Dark and light themes: follow the system by default; a choice is kept in a cookie (read by the
//! server, so the first byte of HTML already has the right class) and applied before first paint.

use leptos::prelude::*;

pub const COOKIE: &str = "theme";

/// Sets `dark` on <html> before anything renders: from the cookie, else from the system setting.
/// The embedded chat (`/embed/…?theme=dark`) takes the theme the embedding page asks for.
pub const NO_FLASH_SCRIPT: &str = r#"(function(){try{var q=location.pathname.indexOf('/embed/')===0&&location.search.match(/[?&]theme=(light|dark)/);var m=q||document.cookie.match(/(?:^|; )theme=(light|dark)/);var d=m?m[1]==='dark':window.matchMedia('(prefers-color-scheme: dark)').matches;document.documentElement.classList.toggle('dark',d);}catch(e){}})();"#;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn parse(s: Option<&str>) -> Self {
        match s {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn next(self) -> Self {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => "System theme",
            Theme::Light => "Light theme",
            Theme::Dark => "Dark theme",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Theme::System => "◐",
            Theme::Light => "☀",
            Theme::Dark => "☾",
        }
    }
}

/// The theme saved in the request's cookie (server) or the document's cookie (browser).
fn saved() -> Theme {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>();
        let headers = parts.as_ref().map(|p| p.headers.get_all(http::header::COOKIE));
        let mut values = headers.into_iter().flatten().filter_map(|v| v.to_str().ok());
        Theme::parse(values.find_map(|v| crate::domain::text::cookie_value(v, COOKIE)))
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        let cookies =
            document().dyn_into::<web_sys::HtmlDocument>().ok().and_then(|d| d.cookie().ok()).unwrap_or_default();
        Theme::parse(crate::domain::text::cookie_value(&cookies, COOKIE))
    }
}

/// The class for <html> during server rendering (an explicit choice only; "system" is decided
/// by the inline script, which knows the system setting).
pub fn ssr_class() -> &'static str {
    match saved() {
        Theme::Dark => "dark",
        _ => "",
    }
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(saved());
    let cycle = move |_| {
        let next = theme.get_untracked().next();
        theme.set(next);
        #[cfg(feature = "hydrate")]
        apply(next);
    };
    view! {
        <button
            type="button"
            class="rounded-md px-2 py-1 text-lg leading-none text-stone-600 hover:bg-stone-200 dark:text-stone-300 dark:hover:bg-stone-800"
            on:click=cycle
            title=move || format!("{} (click to change)", theme.get().label())
            aria-label=move || format!("{}: click to change", theme.get().label())
            data-theme=move || format!("{:?}", theme.get()).to_lowercase()
        >
            {move || theme.get().icon()}
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn apply(theme: Theme) {
    use wasm_bindgen::JsCast;
    let doc = document();
    let value = match theme {
        Theme::System => "theme=; Path=/; Max-Age=0; SameSite=Lax".to_string(),
        Theme::Light => "theme=light; Path=/; Max-Age=31536000; SameSite=Lax".to_string(),
        Theme::Dark => "theme=dark; Path=/; Max-Age=31536000; SameSite=Lax".to_string(),
    };
    if let Ok(html_doc) = doc.clone().dyn_into::<web_sys::HtmlDocument>() {
        let _ = html_doc.set_cookie(&value);
    }
    let dark = match theme {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => {
            window().match_media("(prefers-color-scheme: dark)").ok().flatten().map(|m| m.matches()).unwrap_or(false)
        }
    };
    if let Some(root) = doc.document_element() {
        let _ = root.class_list().toggle_with_force("dark", dark);
    }
}

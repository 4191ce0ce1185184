/** Tailwind v4 reads this through `@config` in style/tailwind.css. */
module.exports = {
  content: ["./src/**/*.rs"],
  darkMode: "class",
  theme: {
    extend: {
      fontFamily: {
        sans: ["Inter", "ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
      },
    },
  },
};

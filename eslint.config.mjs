import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "out/**",
      ".cache/**",
      "test-results/**",
      "bench/results/**",
      "**/*.cjs",
      "**/*.mjs",
      "sdk/bin/**",
      "examples/*/data/**",
      ".assetline/**",
      "**/.assetline/**",
      "test/fixtures/**",
      // The Python virtual environment (scripts/setup-python.sh): Dagster's web UI ships bundles.
      ".venv/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-namespace": "off",
    },
  },
);

// @ts-check
import nextPlugin from '@next/eslint-plugin-next';
import tseslint from 'typescript-eslint';

const libsodium = {
  group: ['libsodium*', 'libsodium-wrappers*'],
  message: 'Only lib/crypto may import libsodium (DESIGN.md invariant 6; STYLE.md): use the domain verbs it exports.',
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', '.next/**', 'generated/**', 'var/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'],
  },
  ...tseslint.configs.recommended,
  {
    plugins: { '@next/next': nextPlugin },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      'no-restricted-imports': ['error', { patterns: [libsodium] }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use libsodium randomness (lib/crypto) or node:crypto: never Math.random near keys, ids or tokens.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='require'][arguments.0.value=/^libsodium/]",
          message: 'The CommonJS build of libsodium silently falls back to a broken pure-JS copy without WebAssembly: import the ESM build, in lib/crypto only.',
        },
      ],
    },
  },
  {
    // lib/crypto is the door; the crypto benchmark measures the raw cipher behind it for comparison. Even there only
    // the package's own entry point (which resolves to the ESM build for `import`), never a path into its files: a
    // deep path can name the CommonJS build directly.
    files: ['lib/crypto/**', 'bench/crypto/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['libsodium*/**'], message: 'Import the libsodium package itself (its ESM build), never a file inside it: a deep path can reach the CommonJS build.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);

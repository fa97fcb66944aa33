// Lint rules: typescript-eslint's recommended set, plus the house rules of STYLE.md that a linter
// can check (no rxjs internals, no stray console in the library).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'coverage/', 'node_modules/', '.cache/', 'bench/results/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['rxjs/internal/*'], message: 'Public RxJS only (STYLE.md rule 3).' }] },
      ],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Read time through a scheduler (STYLE.md rule 2).',
        },
        {
          selector: "CallExpression[callee.name='setTimeout']",
          message: 'Wait through a scheduler (STYLE.md rule 2).',
        },
        {
          selector: [
            'ImportDeclaration[source.value=/^[.]{1,2}[/](?!.*[.]js$)/]',
            'ExportAllDeclaration[source.value=/^[.]{1,2}[/](?!.*[.]js$)/]',
            'ExportNamedDeclaration[source.value=/^[.]{1,2}[/](?!.*[.]js$)/]',
          ].join(', '),
          message: "Relative imports in lib/ name the file: './x.js' or './x/index.js' (the ESM build needs it).",
        },
        {
          selector: 'ImportDeclaration[source.value=/^fp-ts[/](?!lib[/])/]',
          message: "Import fp-ts modules as 'fp-ts/lib/Either.js': fp-ts has no exports map for Node's ESM loader.",
        },
      ],
    },
  },
);

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform, preset as clientPreset } from '@graphql-codegen/client-preset';

// Paths from this file's folder: `graphql-codegen --config examples/dashboard/codegen.ts` works from anywhere.
const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// The gateway's printed schema once the project has one, else its SDL files.
const schema = existsSync(here('../../schema.graphql')) ? here('../../schema.graphql') : here('../../schema/*.graphql');

const config: CodegenConfig = {
  schema,
  documents: [here('src/**/*.{ts,tsx}'), `!${here('src/gql/**/*')}`],
  ignoreNoDocuments: false,
  generates: {
    [here('src/gql/')]: {
      // The preset itself, not its name: resolved from this folder whatever the working directory.
      preset: clientPreset,
      presetConfig: {
        fragmentMasking: false,
        // Writes src/gql/persisted-documents.json ({ "<sha256 hex>": "<document>" }): the gateway's
        // allow-list. Each generated document carries its hash in document.__meta__.hash. Plain hex
        // (the preset's 'sha256' would prefix "sha256:"), as Apollo's persistedQuery.sha256Hash has it.
        persistedDocuments: {
          mode: 'embedHashInDocument',
          hashAlgorithm: (document: string) => createHash('sha256').update(document).digest('hex'),
        },
      },
      // urql's cache adds __typename to every selection; the persisted documents carry it too.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        avoidOptionals: { field: true, inputValue: false },
      },
    },
  },
};

export default config;

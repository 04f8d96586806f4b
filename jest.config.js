/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking runs once in `npm run typecheck`; here ts-jest only transpiles, which keeps runs fast.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
  // Process tests run the compiled gateway, as npm start does.
  globalSetup: '<rootDir>/test/support/buildDist.js',
  setupFilesAfterEnv: ['<rootDir>/test/support/failOnConsole.ts'],
  testTimeout: 30000,
  // Two cores here: parallel workers with in-process servers compete; two keep runs predictable.
  maxWorkers: 2,
};

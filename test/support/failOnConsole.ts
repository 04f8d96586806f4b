// Console noise hides real problems: a test that writes to the console fails.
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
for (const method of methods) {
  jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    throw new Error(`console.${method} called during a test: ${args.map(String).join(' ').slice(0, 500)}`);
  });
}

// Prints one plain closing line ("N passed, N failed, N skipped") that any CI log reader
// understands, preceded by the reason for every skipped test (the reason is in its title).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const reasons = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'todo') continue;
        const title = [...test.ancestorTitles, test.title].join(' › ');
        const reason = /\(skipped: ([^)]*)\)/.exec(title)?.[1] ?? 'no reason stated (filtered out with -t, or a skip without a reason in its title)';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
    const lines = [...reasons].map(([reason, n]) => `skipped ${n}: ${reason}`);
    process.stderr.write(
      `\n${lines.join('\n')}${lines.length ? '\n' : ''}${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;

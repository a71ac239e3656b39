import type { Reporter, TestModule } from 'vitest/node';

/**
 * Closes the run with one plain line (`Tests: N passed, N failed, N skipped`) and the reason
 * for every skipped test, so a skip is never silent.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const module of modules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed += 1;
        else if (result.state === 'failed') failed += 1;
        else
          skipped.push(
            `${test.fullName}: ${('note' in result ? result.note : undefined) ?? 'no reason given'}`,
          );
      }
    }
    for (const line of skipped) console.log(`Skipped ${line}`);
    console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
  }
}

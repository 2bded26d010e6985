import { describe, expect, it } from 'vitest';
import { EventGrouper, groupEvents, messageLines } from './event-grouper.js';

const PYTHON = [
  '2024-06-01 10:00:01 ERROR load failed for batch 17',
  'Traceback (most recent call last):',
  '  File "/app/etl/load.py", line 88, in load',
  '    cursor.execute(sql, rows)',
  'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"',
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "/app/etl/main.py", line 12, in run',
  '    load(batch)',
  'etl.errors.LoadError: batch 17 failed',
];
const JVM = [
  '2024-06-01 10:00:02 ERROR Task extract failed',
  'java.sql.SQLException: Connection refused',
  '\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:319)',
  '\tat org.postgresql.Driver.connect(Driver.java:282)',
  'Caused by: java.net.ConnectException: Connection refused (Connection refused)',
  '\tat java.base/java.net.PlainSocketImpl.socketConnect(Native Method)',
  '\t... 12 more',
];
const GO = [
  'panic: runtime error: invalid memory address or nil pointer dereference',
  'goroutine 1 [running]:',
  'main.load(0x0)',
  '\t/app/main.go:42 +0x1d',
];

describe('groupEvents', () => {
  it('keeps a chained Python traceback with its log line as one event', () => {
    const events = groupEvents([...PYTHON, '2024-06-01 10:00:03 INFO retrying batch 17']);
    expect(events).toHaveLength(2);
    expect(events[0].split('\n')).toEqual(PYTHON.filter((l) => l !== ''));
    expect(events[1]).toBe('2024-06-01 10:00:03 INFO retrying batch 17');
  });

  it('keeps a JVM trace with its Caused by and "... more" lines as one event', () => {
    const events = groupEvents(['INFO starting', ...JVM, 'INFO next']);
    expect(events).toEqual(['INFO starting', JVM.join('\n'), 'INFO next']);
  });

  it('keeps a Go panic with its goroutine dump until a blank line', () => {
    expect(groupEvents([...GO, '', 'INFO restarted'])).toEqual([GO.join('\n'), 'INFO restarted']);
  });

  it('splits entries that hold several lines, and keeps plain lines apart', () => {
    expect(groupEvents(['a\nb', 'c\r'])).toEqual(['a', 'b', 'c']);
  });

  it('hands back each event once the next one starts, the last on flush', () => {
    const g = new EventGrouper();
    expect(g.push('ERROR x')).toBeUndefined();
    expect(g.push('\tat a.b(C.java:1)')).toBeUndefined();
    expect(g.push('INFO y')).toBe('ERROR x\n\tat a.b(C.java:1)');
    expect(g.flush()).toBe('INFO y');
    expect(g.flush()).toBeUndefined();
  });
});

describe('messageLines', () => {
  it('keeps the log line and the exceptions, drops frames, sources and headers', () => {
    expect(messageLines(groupEvents(PYTHON)[0])).toEqual([
      '2024-06-01 10:00:01 ERROR load failed for batch 17',
      'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"',
      'etl.errors.LoadError: batch 17 failed',
    ]);
    expect(messageLines(JVM.join('\n'))).toEqual([
      '2024-06-01 10:00:02 ERROR Task extract failed',
      'java.sql.SQLException: Connection refused',
      'Caused by: java.net.ConnectException: Connection refused (Connection refused)',
    ]);
    expect(messageLines(GO.join('\n'))).toEqual([GO[0]]);
  });
});

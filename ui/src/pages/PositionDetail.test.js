import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import PositionDetail from './PositionDetail.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { position, stage, workspace } from '../test/fixtures.js';

const ws = workspace('viewer');
const backend = position({
  ext_id: 'J 1',
  description_html:
    '<p>Build <strong>things</strong>.</p><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>' +
    '<a href="javascript:alert(1)">bad</a> <a href="https://fernhill.example/jobs">good</a>',
  // keys as the API sends them today (Go field names), plus the documented lower-case form
  questions: [
    { ID: 'q1', Label: 'Authorized to work in Germany?', Type: 'yes_no', Options: [{ ID: '0', Label: 'No' }, { ID: '1', Label: 'Yes' }], Required: true },
    { id: 'q2', label: 'Years of experience', type: 'number', options: null, required: false },
  ],
  applications: 5,
  stages: [stage('S1', 'Applied', 0, 3), stage('S2', 'Interview', 1, 2)],
});

describe('PositionDetail', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('renders the sanitized description, questions, pipeline and the applications link', async () => {
    mockFetch({ 'GET /api/workspaces/3/positions/21': { body: { position: backend } } });
    render(PositionDetail, { workspace: ws, pid: '21' });

    const desc = await screen.findByTestId('position-description');
    expect(desc.querySelector('strong')?.textContent).toBe('things');
    expect(desc.querySelector('img, script')).toBeNull();
    expect(desc.innerHTML).not.toMatch(/onerror|javascript:|__pwned/);
    const links = Array.from(desc.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual([null, 'https://fernhill.example/jobs']);
    expect(/** @type {any} */ (window).__pwned).toBeUndefined();

    const qs = screen.getAllByTestId('question');
    expect(qs).toHaveLength(2);
    expect(qs[0].textContent).toContain('Authorized to work in Germany?');
    expect(qs[0].textContent).toContain('Required');
    expect(qs[0].textContent).toContain('Yes / no');
    expect(Array.from(qs[0].querySelectorAll('li')).map((l) => l.textContent)).toEqual(['No', 'Yes']);
    expect(qs[1].textContent).toContain('Number');
    expect(qs[1].textContent).not.toContain('Required');

    expect(screen.getAllByTestId('stage-count').map((c) => c.textContent)).toEqual(['3', '2']);
    expect(screen.getAllByTestId('stage-chip')[1].getAttribute('href')).toBe(
      '/w/3/applications?connection_id=7&job=J+1&stage=S2',
    );
    expect(screen.getByTestId('position-view-applications').getAttribute('href')).toBe(
      '/w/3/applications?connection_id=7&job=J+1',
    );
  });

  it('shows a not-found state for an unknown position', async () => {
    mockFetch({ 'GET /api/workspaces/3/positions/99': apiError(404, 'not_found', 'Not found.') });
    render(PositionDetail, { workspace: ws, pid: '99' });
    expect(await screen.findByTestId('position-missing')).toBeTruthy();
  });
});

/**
 * "Download as ZIP" in the popup: choose the shape the plan allows, see the price, start the export, watch
 * it build, then have the background download it. The popup never sees the token or a download URL.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ExportFormat, ExportView, Tier } from '../../../shared/api';
import type { Locale } from '../../../shared/errors';
import { EXPORT_PRICES, exportAllowed, exportKindOf } from '../../../shared/plans';
import { OUTPUT_PRESET_IDS } from '../../../shared/presets';
import { readLastExport, saveLastExport } from '../../lib/export-store';
import { sendMessage } from '../../lib/messaging';
import { type Text, textFor } from '../../lib/text';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { formatBytes, formatDateTime } from '../../ui/format';
import { queryKeys } from '../../ui/queries';

type FormatChoice = 'jpeg' | 'png' | 'both';
const FORMATS: Record<FormatChoice, ExportFormat[]> = { jpeg: ['jpeg'], png: ['png'], both: ['jpeg', 'png'] };
const FORMAT_LABELS: Record<FormatChoice, (t: Text) => string> = {
  jpeg: () => 'JPG',
  png: () => 'PNG',
  both: (t) => t.formatBoth,
};

/** How often a building export is read again. A 100-photo ZIP takes under a minute (README, "ZIP exports"). */
export const EXPORT_POLL_MS = 1000;

const isBuilding = (view: ExportView | undefined) =>
  view?.status === 'queued' || view?.status === 'processing';

/** The export the popup is showing, remembered across popup openings (export-store.ts). */
export function useLastExport(): [string | null | undefined, (exportId: string | null) => void] {
  // undefined while storage is read: neither the chooser nor a stale export flashes up.
  const [exportId, setExportId] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    void readLastExport().then((stored) =>
      setExportId((current) => (current === undefined ? stored : current)),
    );
  }, []);
  // The background records a new export itself ("export.create"); the popup only ever forgets one.
  const set = (next: string | null) => {
    setExportId(next);
    if (next === null) void saveLastExport(null);
  };
  return [exportId, set];
}

interface ExportPanelProps {
  tier: Tier;
  locale: Locale;
  /** Succeeded job ids the seller ticked, in list order. */
  selected: string[];
  exportId: string | null;
  onExportChange: (exportId: string | null) => void;
}

export function ExportPanel({ tier, locale, selected, exportId, onExportChange }: ExportPanelProps) {
  const t = textFor(locale);
  if (tier === 'free') {
    return (
      <section className="export">
        <h2>{t.exportTitle}</h2>
        <p className="muted" data-testid="export-needs-plan">
          {t.exportNeedsPaidPlan}
        </p>
      </section>
    );
  }
  return (
    <section className="export" data-testid="export-panel">
      <h2>{t.exportTitle}</h2>
      {exportId ? (
        <ExportProgress exportId={exportId} locale={locale} onNew={() => onExportChange(null)} />
      ) : (
        <ExportChooser tier={tier} locale={locale} selected={selected} onStarted={onExportChange} />
      )}
    </section>
  );
}

function ExportChooser({
  tier,
  locale,
  selected,
  onStarted,
}: {
  tier: Tier;
  locale: Locale;
  selected: string[];
  onStarted: (exportId: string) => void;
}) {
  const t = textFor(locale);
  const queryClient = useQueryClient();
  const [format, setFormat] = useState<FormatChoice>('jpeg');
  const [platforms, setPlatforms] = useState(false);
  const request = {
    jobIds: selected,
    formats: FORMATS[format],
    ...(platforms ? { platforms: [...OUTPUT_PRESET_IDS] } : {}),
  };
  const kind = exportKindOf(request);
  const price = EXPORT_PRICES[kind];

  // One key per click on "Create ZIP", kept while that same request is retried after a failure; any change
  // of photos or shape is another request, so another key (the same key with another body is a 422).
  const clickKey = useRef<string | null>(null);
  const requestText = JSON.stringify(request);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key must reset whenever the request changes
  useEffect(() => {
    clickKey.current = null;
  }, [requestText]);

  const create = useMutation({
    mutationFn: (clickId: string) => sendMessage('export.create', { ...request, clickId }, locale),
    onSuccess: (view) => {
      clickKey.current = null;
      queryClient.setQueryData(queryKeys.export(view.id), view);
      // The hold has come off the balance.
      void queryClient.invalidateQueries({ queryKey: queryKeys.account });
      onStarted(view.id);
    },
  });

  const multiFormatAllowed = exportAllowed(tier, 'multi_format');
  const multiPlatformAllowed = exportAllowed(tier, 'multi_platform');

  return (
    <>
      <fieldset className="formats" data-testid="export-formats">
        <legend className="muted">{t.exportFormat}</legend>
        {(Object.keys(FORMATS) as FormatChoice[]).map((choice) => {
          const locked = choice === 'both' && !multiFormatAllowed;
          return (
            <label key={choice} className={locked ? 'locked' : undefined}>
              <input
                type="radio"
                name="export-format"
                value={choice}
                checked={format === choice}
                disabled={locked || create.isPending}
                onChange={() => setFormat(choice)}
                data-testid={`export-format-${choice}`}
              />
              {FORMAT_LABELS[choice](t)}
              {locked && <small data-testid="export-locked-reason"> 🔒 {t.needsProfessional}</small>}
            </label>
          );
        })}
      </fieldset>
      <label className={multiPlatformAllowed ? 'check' : 'check locked'}>
        <input
          type="checkbox"
          checked={platforms}
          disabled={!multiPlatformAllowed || create.isPending}
          onChange={(event) => setPlatforms(event.currentTarget.checked)}
          data-testid="export-platforms"
        />
        {t.exportPlatforms}
        {!multiPlatformAllowed && <small data-testid="export-locked-reason"> 🔒 {t.needsPremium}</small>}
      </label>
      {selected.length === 0 && <p className="muted">{t.exportPickPhotos}</p>}
      <button
        type="button"
        className="primary"
        disabled={selected.length === 0 || create.isPending}
        data-testid="export-create"
        data-price={price}
        onClick={() => {
          clickKey.current ??= crypto.randomUUID();
          create.mutate(clickKey.current);
        }}
      >
        {create.isPending ? t.exportCreating : t.exportCreate({ photos: selected.length, price })}
      </button>
      {create.error && <ErrorMessage error={create.error} locale={locale} testId="export-error" />}
    </>
  );
}

function ExportProgress({
  exportId,
  locale,
  onNew,
}: {
  exportId: string;
  locale: Locale;
  onNew: () => void;
}) {
  const t = textFor(locale);
  const exportQuery = useQuery({
    queryKey: queryKeys.export(exportId),
    queryFn: () => sendMessage('export.get', { exportId }, locale),
    // Polled while the worker builds it; a finished, failed or expired export no longer changes.
    refetchInterval: (query) => (isBuilding(query.state.data) ? EXPORT_POLL_MS : false),
    staleTime: 0,
  });
  const download = useMutation({
    mutationFn: () => sendMessage('export.download', { exportId }, locale),
  });
  const view = exportQuery.data;

  const newButton = (
    <button type="button" onClick={onNew} data-testid="export-new">
      {t.exportNew}
    </button>
  );

  if (exportQuery.error)
    return (
      <>
        <ErrorMessage error={exportQuery.error} locale={locale} testId="export-error" />
        {newButton}
      </>
    );
  if (!view) return <p className="muted">{t.loading}</p>;

  return (
    <div data-testid="export-status" data-status={view.status}>
      {isBuilding(view) && (
        <>
          <p>{t.exportBuilding(view.progress)}</p>
          <progress max={100} value={view.progress} data-testid="export-progress" />
        </>
      )}
      {view.status === 'succeeded' && (
        <>
          <p>
            {t.exportReady({ photos: view.itemCount, size: formatBytes(view.bytes ?? 0, locale) })}
            {view.expiresAt && (
              <>
                <br />
                <small className="muted">{t.exportKeptUntil(formatDateTime(view.expiresAt, locale))}</small>
              </>
            )}
          </p>
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={download.isPending}
              onClick={() => download.mutate()}
              data-testid="export-download"
            >
              {download.isPending ? t.exportDownloading : t.exportDownload}
            </button>
            {newButton}
          </div>
          {download.data && (
            <p className="ok" data-testid="export-download-started">
              {t.exportDownloadStarted(download.data.filename)}
            </p>
          )}
          {download.error && <ErrorMessage error={download.error} locale={locale} testId="export-error" />}
        </>
      )}
      {view.status === 'failed' && (
        <>
          <ErrorMessage
            error={{ code: 'EXPORT_FAILED', message: view.error?.message ?? '' }}
            locale={locale}
            testId="export-error"
          />
          {newButton}
        </>
      )}
      {view.status === 'expired' && (
        <>
          <ErrorMessage
            error={{ code: 'EXPORT_EXPIRED', message: '' }}
            locale={locale}
            testId="export-error"
          />
          {newButton}
        </>
      )}
    </div>
  );
}

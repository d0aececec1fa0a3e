/**
 * The per-image widget inside the seller center: "Enhance photo" button → price and look (the default preset,
 * or another preset or template from "Change look") → start (a real click only) → progress on the image →
 * before/after → "Replace on listing" (a real click only) → "Revert" (a real click only). Every call goes
 * through the background; this code never sees the API token.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type MouseEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { type JobView, LOW_CONFIDENCE, type Quote } from '../../shared/api';
import type { Locale } from '../../shared/errors';
import type { Marketplace } from '../../shared/marketplaces';
import { type JobWithImages, type Look, lookFields } from '../../shared/messages';
import { CodedError, errorText, toErrorInfo } from '../lib/errors';
import { defaultLook, lookKey, readLook, saveLook } from '../lib/look-store';
import { sendMessage } from '../lib/messaging';
import { AUDIT_STATUS_NAMES, type Text, textFor } from '../lib/text';
import { queryKeys, useAccount, useSellerLocale, useSession } from '../ui/queries';
import { LookPicker } from './LookPicker';
import type { ListingImage } from './types';

export interface WidgetEnv {
  marketplace: Marketplace;
  productId: string;
  /** Shows the replaced image in the page's slot (the listing itself was updated by the server). */
  showImageOnPage: (slot: number, imageUrl: string) => void;
  /** Page-wide channel so only one panel is open at a time. */
  panels: EventTarget;
  /** Where the open panel is rendered: a body-level shadow root shared by all widgets. */
  panelContainer: HTMLElement;
}

interface Props {
  image: ListingImage;
  /** The widget's shadow host: the overlay is positioned relative to it. */
  host: HTMLElement;
  env: WidgetEnv;
}

const POLL_INTERVAL_MS = 1500;
const PANEL_OPEN_EVENT = 'lumiku-panel-open';
// Outcomes where the server may or may not have acted: a retry must reuse the key so it charges once.
const RETRY_SAME_KEY_CODES = new Set(['NETWORK', 'IDEMPOTENCY_IN_FLIGHT']);

/** Finished for good: failed, or succeeded with the previews loaded. */
function isSettled(data: JobWithImages | undefined): boolean {
  if (!data) return false;
  return data.job.status === 'failed' || (data.job.status === 'succeeded' && data.afterDataUrl !== null);
}

/** One Idempotency-Key per user click, kept only while retrying that same click after an unclear failure. */
function useClickKey() {
  const key = useRef<string | undefined>(undefined);
  return {
    take: (): string => {
      key.current ??= crypto.randomUUID();
      return key.current;
    },
    settle: (error: unknown): void => {
      if (!(error instanceof CodedError && RETRY_SAME_KEY_CODES.has(error.code))) key.current = undefined;
    },
  };
}

interface StateInput {
  open: boolean;
  sessionPending: boolean;
  loggedIn: boolean;
  job: JobWithImages | undefined;
  quoteLoaded: boolean;
  error: Error | null;
  creating: boolean;
  applying: boolean;
  reverting: boolean;
}

/** A short description of what the widget shows, e.g. `open:confirm`, `closed:processing-40`. */
function widgetState(input: StateInput): string {
  const phase = (() => {
    if (input.sessionPending) return 'loading';
    if (!input.loggedIn) return 'login';
    const job = input.job?.job;
    if (job?.status === 'queued') return 'queued';
    if (job?.status === 'processing') return `processing-${job.progress}`;
    if (job?.status === 'failed') return `failed-${job.error?.code ?? 'PROCESSING_FAILED'}`;
    if (job?.status === 'succeeded') {
      if (job.applied?.revertedAt) return 'reverted';
      if (job.applied) return input.reverting ? 'reverting' : 'replaced';
      if (input.applying) return 'applying';
      return input.job?.afterDataUrl ? 'compare' : 'preview-loading';
    }
    if (input.creating) return 'creating';
    return input.quoteLoaded ? 'confirm' : 'quote-loading';
  })();
  const error = input.error ? `:error-${toErrorInfo(input.error).code}` : '';
  return `${input.open ? 'open' : 'closed'}:${phase}${error}`;
}

interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

function measure(img: HTMLImageElement, host: HTMLElement): Box {
  const image = img.getBoundingClientRect();
  const origin = host.getBoundingClientRect();
  return {
    top: image.top - origin.top,
    left: image.left - origin.left,
    width: image.width,
    height: image.height,
  };
}

/** The image's box relative to the widget's host, kept current while the page lays out and loads images. */
function useImageBox(img: HTMLImageElement, host: HTMLElement): Box {
  const [box, setBox] = useState(() => measure(img, host));
  useEffect(() => {
    const update = () =>
      setBox((previous) => {
        const next = measure(img, host);
        const same = (Object.keys(next) as (keyof Box)[]).every((k) => Math.abs(next[k] - previous[k]) < 0.5);
        return same ? previous : next;
      });
    update();
    const observer = new ResizeObserver(update);
    observer.observe(img);
    window.addEventListener('resize', update);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', update);
    };
  }, [img, host]);
  return box;
}

export function EnhanceWidget({ image, host, env }: Props) {
  const queryClient = useQueryClient();
  const locale = useSellerLocale();
  const t = textFor(locale);
  const session = useSession();
  const loggedIn = session.data?.loggedIn === true;
  const box = useImageBox(image.img, host);
  // The look this marketplace's jobs run: the seller's last choice, else the default preset. Shared by
  // every widget on the page (one query client), so a choice made under one image applies to all.
  const storedLook = useQuery({
    queryKey: queryKeys.look(env.marketplace),
    queryFn: () => readLook(env.marketplace),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const look = storedLook.data ?? defaultLook(env.marketplace);
  const account = useAccount(loggedIn);
  const tier = account.data?.seller.tier ?? session.data?.seller?.tier;

  const [open, setOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const [jobId, setJobId] = useState<string | undefined>(undefined);
  const createKey = useClickKey();
  const applyKey = useClickKey();

  const quote = useQuery({
    queryKey: queryKeys.quote(lookKey(look)),
    queryFn: () => sendMessage('quote.get', lookFields(look)),
    enabled: open && loggedIn && jobId === undefined && storedLook.isSuccess,
    // The balance shown next to the price must be current.
    staleTime: 0,
  });

  const job = useQuery({
    queryKey: queryKeys.job(jobId ?? 'none'),
    queryFn: jobId ? () => sendMessage('job.get', { jobId }) : skipToken,
    refetchInterval: (query) => (isSettled(query.state.data) ? false : POLL_INTERVAL_MS),
    staleTime: (query) => (isSettled(query.state.data) ? Number.POSITIVE_INFINITY : 0),
  });

  const create = useMutation({
    mutationFn: ({ clickId, snapshot, chosen }: { clickId: string; snapshot: ListingImage; chosen: Look }) =>
      sendMessage('job.create', {
        marketplace: env.marketplace,
        productId: env.productId,
        slot: snapshot.slot,
        imageUrl: snapshot.imageUrl,
        sourceImageId: snapshot.sourceImageId,
        ...lookFields(chosen),
        clickId,
      }),
    onSuccess: (created) => {
      queryClient.setQueryData<JobWithImages>(queryKeys.job(created.id), {
        job: created,
        beforeDataUrl: null,
        afterDataUrl: null,
      });
      setJobId(created.id);
      void queryClient.invalidateQueries({ queryKey: queryKeys.account });
    },
    onSettled: (_created, error) => createKey.settle(error),
  });

  const chooseLook = useMutation({
    mutationFn: (chosen: Look) => saveLook(env.marketplace, chosen),
    onMutate: (chosen) => {
      // Shown (and quoted) at once; the write to storage only makes it outlive the page.
      queryClient.setQueryData(queryKeys.look(env.marketplace), chosen);
      setPicking(false);
      create.reset();
    },
  });

  const apply = useMutation({
    mutationFn: (variables: { jobId: string; clickId: string }) => sendMessage('job.apply', variables),
    onSuccess: (applied: JobView) => {
      queryClient.setQueryData<JobWithImages>(queryKeys.job(applied.id), (old) =>
        old ? { ...old, job: applied } : old,
      );
      if (applied.applied) env.showImageOnPage(applied.slot, applied.applied.imageUrl);
      void queryClient.invalidateQueries({ queryKey: queryKeys.account });
    },
    onSettled: (_applied, error) => applyKey.settle(error),
  });

  const revert = useMutation({
    mutationFn: (variables: { jobId: string }) => sendMessage('job.revert', variables),
    onSuccess: (reverted: JobView) => {
      queryClient.setQueryData<JobWithImages>(queryKeys.job(reverted.id), (old) =>
        old ? { ...old, job: reverted } : old,
      );
      const replacedUrl = reverted.applied?.replacedImageUrl;
      if (replacedUrl) env.showImageOnPage(reverted.slot, replacedUrl);
    },
  });

  const openPanel = useCallback(() => {
    setOpen(true);
    env.panels.dispatchEvent(new CustomEvent(PANEL_OPEN_EVENT, { detail: image.slot }));
  }, [env.panels, image.slot]);

  useEffect(() => {
    const onOtherPanel = (event: Event) => {
      if (event instanceof CustomEvent && event.detail !== image.slot) setOpen(false);
    };
    env.panels.addEventListener(PANEL_OPEN_EVENT, onOtherPanel);
    return () => env.panels.removeEventListener(PANEL_OPEN_EVENT, onOtherPanel);
  }, [env.panels, image.slot]);

  // The comparison (or the failure) opens by itself when the job finishes.
  const status = job.data?.job.status;
  const previewReady = job.data?.afterDataUrl != null;
  useEffect(() => {
    if (status === 'failed' || (status === 'succeeded' && previewReady)) openPanel();
  }, [status, previewReady, openPanel]);

  const currentJob = job.data?.job;
  const finished = currentJob?.status === 'failed' || currentJob?.applied != null;

  function startOver() {
    setJobId(undefined);
    create.reset();
    apply.reset();
    revert.reset();
  }

  function onEnhanceClick() {
    if (open && !finished) {
      setOpen(false);
      return;
    }
    // After a replaced or failed photo, the button starts a new round for whatever the slot shows now.
    if (finished) startOver();
    openPanel();
  }

  function onStart(event: MouseEvent<HTMLButtonElement>) {
    // Only the seller's own click may spend credits: a page script can dispatch clicks into an open shadow root.
    if (!event.nativeEvent.isTrusted) return;
    // The price on the button is the quote of exactly this look.
    create.mutate({ clickId: createKey.take(), snapshot: image, chosen: look });
  }

  function onReplace(event: MouseEvent<HTMLButtonElement>) {
    if (!event.nativeEvent.isTrusted || !jobId) return;
    apply.mutate({ jobId, clickId: applyKey.take() });
  }

  function onRevert(event: MouseEvent<HTMLButtonElement>) {
    // Changes the live listing: only the seller's own click.
    if (!event.nativeEvent.isTrusted || !jobId) return;
    revert.mutate({ jobId });
  }

  const running =
    currentJob !== undefined && (currentJob.status === 'queued' || currentJob.status === 'processing');

  const state = widgetState({
    open,
    sessionPending: session.isPending,
    loggedIn,
    job: job.data,
    quoteLoaded: quote.data !== undefined,
    error: revert.error ?? apply.error ?? create.error ?? job.error ?? quote.error ?? session.error,
    creating: create.isPending,
    applying: apply.isPending,
    reverting: revert.isPending,
  });
  // Mirrored onto the host in the page's DOM: changes inside a shadow root are invisible to the page's
  // MutationObservers, which is how puppeteer's waitForSelector('pierce/…') notices new elements.
  useEffect(() => {
    host.dataset.lumikuState = state;
  }, [host, state]);

  return (
    <>
      <div
        className="overlay"
        style={{ top: box.top, left: box.left, width: box.width, height: Math.max(box.height, 28) }}
        data-testid="lumiku-overlay"
      >
        {running && (
          <div className="progress">
            <div
              className="progress-track"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={currentJob.progress}
              data-testid="lumiku-progress"
            >
              <div className="progress-fill" style={{ width: `${currentJob.progress}%` }} />
            </div>
          </div>
        )}
        {currentJob?.applied && !currentJob.applied.revertedAt && (
          <span className="badge" data-testid="lumiku-badge">
            {t.replaced}
          </span>
        )}
        <button type="button" className="enhance" data-testid="lumiku-enhance" onClick={onEnhanceClick}>
          {t.enhance}
        </button>
      </div>

      {open &&
        createPortal(
          <div
            className="panel"
            role="dialog"
            aria-label={t.enhance}
            data-testid="lumiku-panel"
            data-lumiku-slot={image.slot}
          >
            <div className="panel-head">
              <span className="brand">Lumiku · {t.photoNumber(image.slot)}</span>
              <button
                type="button"
                className="close"
                aria-label={t.close}
                data-testid="lumiku-close"
                onClick={() => setOpen(false)}
              >
                ×
              </button>
            </div>
            <PanelBody
              t={t}
              locale={locale}
              sessionLoading={session.isPending}
              loggedIn={loggedIn}
              sessionError={session.error}
              jobData={job.data}
              jobError={job.error}
              quote={quote}
              creating={create.isPending}
              createError={create.error}
              applying={apply.isPending}
              applyError={apply.error}
              reverting={revert.isPending}
              revertError={revert.error}
              onStart={onStart}
              onReplace={onReplace}
              onRevert={onRevert}
              onStartOver={startOver}
              lookControl={
                <>
                  <button
                    type="button"
                    className="link"
                    data-testid="lumiku-change-look"
                    aria-expanded={picking}
                    disabled={create.isPending}
                    onClick={() => setPicking((was) => !was)}
                  >
                    {picking ? t.hideLooks : t.changeLook}
                  </button>
                  {picking && (
                    <LookPicker
                      marketplace={env.marketplace}
                      locale={locale}
                      t={t}
                      selected={look}
                      tier={tier}
                      onSelect={(chosen) => chooseLook.mutate(chosen)}
                    />
                  )}
                </>
              }
            />
          </div>,
          env.panelContainer,
        )}
    </>
  );
}

interface PanelBodyProps {
  t: Text;
  locale: Locale;
  sessionLoading: boolean;
  loggedIn: boolean;
  sessionError: Error | null;
  jobData: JobWithImages | undefined;
  jobError: Error | null;
  quote: { data: Quote | undefined; error: Error | null };
  creating: boolean;
  createError: Error | null;
  applying: boolean;
  applyError: Error | null;
  reverting: boolean;
  revertError: Error | null;
  onStart: (event: MouseEvent<HTMLButtonElement>) => void;
  onReplace: (event: MouseEvent<HTMLButtonElement>) => void;
  onRevert: (event: MouseEvent<HTMLButtonElement>) => void;
  onStartOver: () => void;
  /** "Change look" and, when open, the picker: shown with the price, whatever the quote's state. */
  lookControl: ReactNode;
}

function PanelBody(props: PanelBodyProps) {
  const { t, locale, jobData } = props;
  if (props.sessionLoading) return <p className="hint">{t.loading}</p>;
  if (props.sessionError) return <ErrorBox error={props.sessionError} locale={locale} />;
  if (!props.loggedIn) {
    return (
      <p className="hint" data-testid="lumiku-login-hint">
        {t.loginHint}
      </p>
    );
  }

  if (jobData) {
    const { job } = jobData;
    if (job.status === 'queued' || job.status === 'processing') {
      return (
        <>
          <p className="status" data-testid="lumiku-status">
            {job.status === 'queued' ? t.queued : t.enhancing(job.progress)}
          </p>
          <div className="panel-progress">
            <div className="progress-fill" style={{ width: `${job.progress}%` }} />
          </div>
          {props.jobError && <ErrorBox error={props.jobError} locale={locale} />}
        </>
      );
    }
    if (job.status === 'failed') {
      return (
        <>
          <ErrorBox error={job.error ?? { code: 'PROCESSING_FAILED', message: '' }} locale={locale} />
          <button type="button" className="primary" data-testid="lumiku-retry" onClick={props.onStartOver}>
            {t.tryAgain}
          </button>
        </>
      );
    }
    // Succeeded.
    const reverted = job.applied?.revertedAt != null;
    const audit = job.applied?.auditStatus ? AUDIT_STATUS_NAMES[job.applied.auditStatus] : undefined;
    return (
      <>
        <p className={job.applied ? 'status ok' : 'status'} data-testid="lumiku-status">
          {reverted ? t.reverted : job.applied ? t.replaced : t.done}
        </p>
        {audit && job.applied && (
          <p className="audit" data-testid="lumiku-audit" data-audit-status={job.applied.auditStatus}>
            {audit[locale]}
          </p>
        )}
        {jobData.beforeDataUrl && jobData.afterDataUrl ? (
          <div className="compare">
            <figure>
              <img src={jobData.beforeDataUrl} alt={t.before} data-testid="lumiku-before" />
              <figcaption>{t.before}</figcaption>
            </figure>
            <figure>
              <img src={jobData.afterDataUrl} alt={t.after} data-testid="lumiku-after" />
              <figcaption>{t.after}</figcaption>
            </figure>
          </div>
        ) : (
          <p className="hint">{t.previewLoading}</p>
        )}
        {job.result && job.result.confidence < LOW_CONFIDENCE && (
          <p className="note" role="note" data-testid="lumiku-check-result">
            {t.checkResult}
          </p>
        )}
        {props.jobError && <ErrorBox error={props.jobError} locale={locale} />}
        {!job.applied && (
          <button
            type="button"
            className="primary"
            data-testid="lumiku-replace"
            disabled={props.applying}
            onClick={props.onReplace}
          >
            {props.applying ? t.replacing : t.replace}
          </button>
        )}
        {job.applied && !reverted && job.applied.replacedImageId !== null && (
          <button
            type="button"
            className="secondary"
            data-testid="lumiku-revert"
            disabled={props.reverting}
            onClick={props.onRevert}
          >
            {props.reverting ? t.reverting : t.revert}
          </button>
        )}
        {props.applyError && <ErrorBox error={props.applyError} locale={locale} />}
        {props.revertError && <ErrorBox error={props.revertError} locale={locale} />}
      </>
    );
  }

  const { quote } = props;
  // The look control stays even when the quote failed (e.g. a template the plan does not include), so the
  // seller can pick another look right here.
  if (quote.error)
    return (
      <>
        {props.lookControl}
        <ErrorBox error={quote.error} locale={locale} />
      </>
    );
  if (!quote.data)
    return (
      <>
        <p className="hint">{t.loading}</p>
        {props.lookControl}
      </>
    );
  return (
    <>
      <div className="row">
        <span className="label">{t.preset}</span>
        <span className="strong" data-testid="lumiku-preset">
          {quote.data.name[locale]}
        </span>
      </div>
      {props.lookControl}
      <div className="row">
        <span className="label">{t.price}</span>
        <span className="strong" data-testid="lumiku-price">
          {t.credits(quote.data.price)}
        </span>
      </div>
      <p className="hint" data-testid="lumiku-balance">
        {t.balance(quote.data.balance)}
      </p>
      <button
        type="button"
        className="primary"
        data-testid="lumiku-confirm"
        disabled={props.creating}
        onClick={props.onStart}
      >
        {props.creating ? t.starting : t.start(quote.data.price)}
      </button>
      {props.createError && <ErrorBox error={props.createError} locale={locale} />}
    </>
  );
}

function ErrorBox({ error, locale }: { error: unknown; locale: Locale }) {
  const info = toErrorInfo(error);
  return (
    <div className="error" role="alert" data-testid="lumiku-error" data-code={info.code}>
      {errorText(info, locale)}
      {info.code === 'UNAUTHENTICATED' && <p className="hint">{textFor(locale).loginHint}</p>}
      {RECONNECT_CODES.has(info.code) && (
        <button type="button" className="secondary" data-testid="lumiku-reconnect" onClick={openOptions}>
          {info.code === 'CONNECTION_REQUIRED' ? textFor(locale).connectShop : textFor(locale).reconnectShop}
        </button>
      )}
    </div>
  );
}

/** Errors the seller fixes by (re)connecting the shop on the options page. */
const RECONNECT_CODES = new Set(['CONNECTION_REQUIRED', 'CONNECTION_NEEDS_REAUTH']);

function openOptions(event: MouseEvent<HTMLButtonElement>) {
  // A page script can click into an open shadow root; only the seller opens tabs.
  if (!event.nativeEvent.isTrusted) return;
  // A content script cannot open the options page itself; if the extension was reloaded there is nothing
  // to open until the page is reloaded, which the other errors on this panel already say.
  sendMessage('options.open', {}).catch(() => undefined);
}

'use client';

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { OrganisationKeyPair } from '@/lib/crypto';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import { importPinnedOrganisationKey } from '@/lib/reviewers/coordinator-crypto';
import { approveMember, createInvitation, fetchMembers, invitationLink, revokeMember, type TMemberView } from '@/lib/review/staff-admin-client';
import { ApiError, type TWorkspace } from '@/lib/review/workspace-client';

type Props = { locale: Locale; workspace: TWorkspace; pinnedKey: string; onWorkspace: (next: TWorkspace) => void; onExpired: () => void };
type TRole = TMemberView['role'];

/**
 * Staff management for coordinators: invite, compare fingerprints, approve (with report grants), revoke. The
 * organisation key is imported from its printed backup into this component only, refused unless it is the pinned
 * key, and overwritten when the view closes.
 */
export function StaffMembers({ locale, workspace, pinnedKey, onWorkspace, onExpired }: Props) {
  const t = getTranslator(locale);
  const [members, setMembers] = useState<TMemberView[] | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [invitation, setInvitation] = useState<{ link: string; expiresDay: string } | null>(null);
  const [organisationKey, setOrganisationKey] = useState<OrganisationKeyPair | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<TMemberView | null>(null);
  const [busy, setBusy] = useState(false);
  const keyRef = useRef<OrganisationKeyPair | null>(null);

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) onExpired();
      else setError(e instanceof ApiError && e.status === 409 ? t('staff.members.conflict') : t('staff.members.failed'));
    },
    [onExpired, t],
  );

  const reload = useCallback(async () => {
    try {
      setMembers(await fetchMembers());
    } catch (e) {
      fail(e);
    }
  }, [fail]);

  useEffect(() => {
    void reload();
  }, [reload]);
  // The organisation key lives only while this view is open.
  useEffect(() => () => {
    keyRef.current?.secretKey.fill(0);
  }, []);

  async function onInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const role = String(new FormData(event.currentTarget).get('role')) as TRole;
    setError('');
    try {
      const created = await createInvitation(role);
      setInvitation({ link: invitationLink(window.location.origin, locale, created.token), expiresDay: created.expiresDay });
    } catch (e) {
      fail(e);
    }
  }

  async function onImportKey(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const backup = String(new FormData(form).get('backup') ?? '').trim();
    setError('');
    try {
      const key = await importPinnedOrganisationKey(backup, pinnedKey);
      keyRef.current = key;
      setOrganisationKey(key);
      form.reset();
    } catch {
      setError(t('staff.members.wrongBackup'));
    }
  }

  async function onApprove(member: TMemberView) {
    if (!organisationKey) return;
    setBusy(true);
    setError('');
    setStatus(t('staff.members.approving', { name: member.displayName }));
    try {
      const result = await approveMember({ workspace, organisationKey, pinnedKey, memberId: member.id, onProgress: (done, total) => setProgress({ done, total }) });
      onWorkspace({ ...workspace, directory: result.directory });
      setStatus(t('staff.members.approved', { name: member.displayName, granted: result.granted, failed: result.failed }));
      await reload();
    } catch (e) {
      setStatus('');
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  async function onRevoke(member: TMemberView) {
    if (!organisationKey) return;
    setBusy(true);
    setError('');
    setConfirmRevoke(null);
    setStatus(t('staff.members.revoking', { name: member.displayName }));
    try {
      const { directory, teamKey } = await revokeMember({ workspace, organisationKey, pinnedKey, memberId: member.id });
      onWorkspace({ ...workspace, directory, teamKeys: [...workspace.teamKeys, teamKey] });
      setStatus(t('staff.members.revoked', { name: member.displayName }));
      await reload();
    } catch (e) {
      setStatus('');
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  const self = workspace.profile.reviewerId;
  return (
    <section aria-labelledby="members-title" className="stack">
      <h2 id="members-title">{t('staff.members.title')}</h2>

      <form className="card stack" onSubmit={(e) => void onInvite(e)} aria-labelledby="invite-title">
        <h3 id="invite-title">{t('staff.members.inviteTitle')}</h3>
        <label>
          {t('staff.members.role')}
          <select name="role" defaultValue="reviewer">
            {(['reviewer', 'analyst', 'coordinator'] as const).map((role) => (
              <option key={role} value={role}>{t(`staff.roles.${role}`)}</option>
            ))}
          </select>
        </label>
        <button className="button" type="submit">{t('staff.members.invite')}</button>
        {invitation ? <InvitationLink locale={locale} link={invitation.link} expiresDay={invitation.expiresDay} /> : null}
      </form>

      {organisationKey ? (
        <p className="notice" data-testid="org-key-loaded">{t('staff.members.keyLoaded')}</p>
      ) : (
        <form className="card stack" onSubmit={(e) => void onImportKey(e)} aria-labelledby="backup-title">
          <h3 id="backup-title">{t('staff.members.backupTitle')}</h3>
          <p className="help">{t('staff.members.backupHelp')}</p>
          <label>
            {t('staff.members.backup')}
            <textarea name="backup" rows={3} required autoComplete="off" spellCheck={false} />
          </label>
          <button className="button" type="submit">{t('staff.members.useBackup')}</button>
        </form>
      )}

      {progress ? (
        <p>
          <label>
            {t('staff.members.granting', { done: progress.done, total: progress.total })}
            <progress max={Math.max(progress.total, 1)} value={progress.done} />
          </label>
        </p>
      ) : null}
      <p role="status" className="help" data-testid="members-status">{status}</p>
      {error ? <p role="alert" className="error">{error}</p> : null}

      {members === null ? (
        <p>{t('staff.members.loading')}</p>
      ) : (
        <table className="table" data-testid="members-table">
          <caption>{t('staff.members.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('staff.members.name')}</th>
              <th scope="col">{t('staff.members.role')}</th>
              <th scope="col">{t('staff.members.status')}</th>
              <th scope="col">{t('staff.members.fingerprints')}</th>
              <th scope="col">{t('staff.members.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.id} data-testid={`member-${member.login}`}>
                <td>{member.displayName} <span className="help">({member.login})</span></td>
                <td>{t(`staff.roles.${member.role}`)}</td>
                <td>{t(`staff.members.statuses.${statusKey(member.status)}`)}</td>
                <td>
                  {member.xwingFingerprint ? (
                    <>
                      <code className="fingerprint" data-testid="fp-xwing">{member.xwingFingerprint}</code>
                      <code className="fingerprint" data-testid="fp-signing">{member.signingFingerprint}</code>
                    </>
                  ) : '—'}
                </td>
                <td>
                  {member.status === 'pending_approval' ? (
                    <button className="button" type="button" disabled={!organisationKey || busy} onClick={() => void onApprove(member)}>
                      {t('staff.members.approve', { name: member.displayName })}
                    </button>
                  ) : null}
                  {member.status === 'active' && member.id !== self ? (
                    <button className="button secondary" type="button" disabled={!organisationKey || busy} onClick={() => setConfirmRevoke(member)}>
                      {t('staff.members.revoke', { name: member.displayName })}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {members?.some((m) => m.status === 'pending_approval') ? <p className="help">{t('staff.members.compareHelp')}</p> : null}

      {confirmRevoke ? (
        <div role="alertdialog" aria-labelledby="revoke-title" aria-describedby="revoke-text" className="card stack warn">
          <h3 id="revoke-title">{t('staff.members.revokeTitle', { name: confirmRevoke.displayName })}</h3>
          <p id="revoke-text">{t('staff.members.revokeText')}</p>
          <div className="actions">
            <button className="button" type="button" autoFocus onClick={() => void onRevoke(confirmRevoke)}>{t('staff.members.revokeConfirm')}</button>
            <button className="button secondary" type="button" onClick={() => setConfirmRevoke(null)}>{t('staff.members.cancel')}</button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function statusKey(status: string): 'pending' | 'active' | 'revoked' | 'other' {
  return status === 'pending_approval' ? 'pending' : status === 'active' ? 'active' : status === 'revoked' ? 'revoked' : 'other';
}

/** The link, shown once: the server keeps only a keyed hash of the token. */
function InvitationLink({ locale, link, expiresDay }: { locale: Locale; link: string; expiresDay: string }) {
  const t = getTranslator(locale);
  const [copied, setCopied] = useState(false);
  return (
    <div className="stack" data-testid="invitation">
      <label>
        {t('staff.members.link')}
        <input readOnly value={link} data-testid="invitation-link" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <p className="help">{t('staff.members.linkHelp', { day: expiresDay })}</p>
      <button
        className="button secondary"
        type="button"
        onClick={() => void navigator.clipboard.writeText(link).then(() => setCopied(true), () => setCopied(false))}
      >
        {t('staff.members.copy')}
      </button>
      <p role="status" className="help">{copied ? t('staff.members.copied') : ''}</p>
    </div>
  );
}

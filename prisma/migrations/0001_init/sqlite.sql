-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "signingPublicKey" BLOB NOT NULL,
    "retentionDays" INTEGER NOT NULL DEFAULT 0,
    "keepStatistics" BOOLEAN NOT NULL DEFAULT true,
    "createdDay" TEXT NOT NULL
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "ReviewerDirectory" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "serial" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "signature" BLOB NOT NULL,
    "createdDay" TEXT NOT NULL,
    CONSTRAINT "ReviewerDirectory_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "Reviewer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "passwordSalt" TEXT NOT NULL,
    "kdfOpsLimit" INTEGER NOT NULL,
    "kdfMemLimit" INTEGER NOT NULL,
    "authKeyHash" TEXT NOT NULL,
    "totpSecretSealed" BLOB,
    "totpLastStep" INTEGER,
    "xwingPublicKey" BLOB,
    "signingPublicKey" BLOB,
    "wrappedSecretKeys" TEXT,
    "recoveryWrappedSecretKeys" TEXT,
    "sessionVersion" INTEGER NOT NULL DEFAULT 0,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "approvedAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "Reviewer_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdById" TEXT NOT NULL,
    CONSTRAINT "Invitation_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "TeamKeyEnvelope" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "envelope" TEXT NOT NULL,
    CONSTRAINT "TeamKeyEnvelope_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TeamKeyEnvelope_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "StaffSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reviewerId" TEXT NOT NULL,
    "sessionVersion" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    CONSTRAINT "StaffSession_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "lockedUntil" DATETIME
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "day" TEXT NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "subject" TEXT,
    "detail" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "AuditEvent_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "Report" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "directorySerial" INTEGER NOT NULL,
    "sealed" TEXT NOT NULL,
    "accessTokenHash" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'new',
    "assigneeId" TEXT,
    "expectedAttachments" INTEGER NOT NULL DEFAULT 0,
    "missingAttachments" INTEGER NOT NULL DEFAULT 0,
    "isComplete" BOOLEAN NOT NULL DEFAULT false,
    "receivedDay" TEXT NOT NULL,
    "updatedDay" TEXT NOT NULL,
    CONSTRAINT "Report_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Report_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Reviewer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "ReportEnvelope" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reportId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "envelope" TEXT NOT NULL,
    CONSTRAINT "ReportEnvelope_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReportEnvelope_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reportId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "encryptedSize" INTEGER NOT NULL,
    "chunkSize" INTEGER NOT NULL,
    "chunkCount" INTEGER NOT NULL,
    "receivedChunks" INTEGER NOT NULL DEFAULT 0,
    "isComplete" BOOLEAN NOT NULL DEFAULT false,
    "createdDay" TEXT NOT NULL,
    "expiresDay" TEXT NOT NULL,
    CONSTRAINT "Attachment_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reportId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "direction" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "createdDay" TEXT NOT NULL,
    CONSTRAINT "Message_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "TriageRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reportId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "sealed" TEXT NOT NULL,
    "updatedDay" TEXT NOT NULL,
    CONSTRAINT "TriageRecord_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "UsedChallenge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "expiresHour" TEXT NOT NULL
) WITHOUT ROWID;

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_slug_key" ON "Organisation"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewerDirectory_organisationId_serial_key" ON "ReviewerDirectory"("organisationId", "serial");

-- CreateIndex
CREATE UNIQUE INDEX "Reviewer_organisationId_login_key" ON "Reviewer"("organisationId", "login");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "TeamKeyEnvelope_organisationId_epoch_reviewerId_key" ON "TeamKeyEnvelope"("organisationId", "epoch", "reviewerId");

-- CreateIndex
CREATE INDEX "StaffSession_reviewerId_idx" ON "StaffSession"("reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_organisationId_seq_key" ON "AuditEvent"("organisationId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Report_accessTokenHash_key" ON "Report"("accessTokenHash");

-- CreateIndex
CREATE INDEX "Report_organisationId_status_idx" ON "Report"("organisationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ReportEnvelope_reportId_reviewerId_key" ON "ReportEnvelope"("reportId", "reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "Attachment_storageKey_key" ON "Attachment"("storageKey");

-- CreateIndex
CREATE UNIQUE INDEX "Attachment_reportId_index_key" ON "Attachment"("reportId", "index");

-- CreateIndex
CREATE UNIQUE INDEX "Message_reportId_seq_key" ON "Message"("reportId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "TriageRecord_reportId_key" ON "TriageRecord"("reportId");


-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TriageRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "recordId" TEXT NOT NULL,
    "reportId" TEXT,
    "organisationId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "sealed" TEXT NOT NULL,
    "updatedDay" TEXT NOT NULL,
    CONSTRAINT "TriageRecord_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "TriageRecord_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
-- Edited by hand: existing records take their report's id and organisation.
INSERT INTO "new_TriageRecord" ("epoch", "id", "recordId", "reportId", "organisationId", "sealed", "updatedDay") SELECT t."epoch", t."id", t."reportId", t."reportId", r."organisationId", t."sealed", t."updatedDay" FROM "TriageRecord" t JOIN "Report" r ON r."id" = t."reportId";
DROP TABLE "TriageRecord";
ALTER TABLE "new_TriageRecord" RENAME TO "TriageRecord";
CREATE UNIQUE INDEX "TriageRecord_recordId_key" ON "TriageRecord"("recordId");
CREATE UNIQUE INDEX "TriageRecord_reportId_key" ON "TriageRecord"("reportId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- DropForeignKey
ALTER TABLE "TriageRecord" DROP CONSTRAINT "TriageRecord_reportId_fkey";

-- AlterTable (edited by hand: existing records take their report's id and organisation)
ALTER TABLE "TriageRecord" ADD COLUMN     "organisationId" TEXT,
ADD COLUMN     "recordId" TEXT,
ALTER COLUMN "reportId" DROP NOT NULL;
UPDATE "TriageRecord" t SET "recordId" = t."reportId", "organisationId" = r."organisationId" FROM "Report" r WHERE r."id" = t."reportId";
ALTER TABLE "TriageRecord" ALTER COLUMN "organisationId" SET NOT NULL, ALTER COLUMN "recordId" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "TriageRecord_recordId_key" ON "TriageRecord"("recordId");

-- AddForeignKey
ALTER TABLE "TriageRecord" ADD CONSTRAINT "TriageRecord_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriageRecord" ADD CONSTRAINT "TriageRecord_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;


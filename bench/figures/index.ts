import type { FigureSpec } from "../lib/figure.js";
import { agentLoopFigure, agentStartFigure } from "./agent.js";
import { coldStartFigure, coldStartFloorFigure, snapshotStartFigure } from "./cold-start.js";
import { executeQueryFigure } from "./execute-query.js";
import { httpGetFigure } from "./http-get.js";
import {
  httpLoadQueryLegacyFigure,
  httpLoadQueryModernFigure,
  httpLoadReadFileLegacyFigure,
  httpLoadReadFileModernFigure,
} from "./http-load.js";
import {
  idleRssFilesystemFigure,
  idleRssHttpFigure,
  idleRssSqliteFigure,
  rssGrowthExecuteQueryFigure,
  rssGrowthReadFileFigure,
} from "./memory.js";
import {
  readFileParallelFigure,
  readFileParallelFloorFigure,
  readFileSequentialFigure,
  readFileSequentialFloorFigure,
} from "./read-file.js";
import { directoryTreeFigure, listDirectoryFigure, searchFilesFigure } from "./scale.js";
import { toolSizeFigure } from "./tool-size.js";

/** Every figure, in table order. */
export const figures: FigureSpec[] = [
  coldStartFigure,
  coldStartFloorFigure,
  snapshotStartFigure,
  readFileSequentialFigure,
  readFileSequentialFloorFigure,
  readFileParallelFigure,
  readFileParallelFloorFigure,
  executeQueryFigure,
  httpGetFigure,
  httpLoadReadFileModernFigure,
  httpLoadReadFileLegacyFigure,
  httpLoadQueryModernFigure,
  httpLoadQueryLegacyFigure,
  toolSizeFigure,
  agentStartFigure,
  agentLoopFigure,
  idleRssFilesystemFigure,
  idleRssSqliteFigure,
  idleRssHttpFigure,
  rssGrowthReadFileFigure,
  rssGrowthExecuteQueryFigure,
  searchFilesFigure,
  directoryTreeFigure,
  listDirectoryFigure,
];

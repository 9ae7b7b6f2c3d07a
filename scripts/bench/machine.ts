/** The machine a run was taken on, for the header of BENCHMARKS.md. */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineDescription {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
}

export function describeMachine(): MachineDescription {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/** 1-minute load average: above the core count, other work was competing with the run. */
export function loadAverage(): string {
  return loadavg()[0].toFixed(2);
}

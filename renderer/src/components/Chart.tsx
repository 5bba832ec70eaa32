/**
 * ECharts, loaded lean (only the bar and line charts and the parts they need, on the canvas
 * renderer), sized to its box and disposed with it.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function Chart(props: { option: EChartsCoreOption; heightPx?: number; dark?: boolean; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (box.current === null) return;
    const chart = echarts.init(box.current, props.dark ? 'dark' : undefined, { renderer: 'canvas' });
    chart.setOption({ backgroundColor: 'transparent', ...props.option });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  }, [props.option, props.dark]);
  return <div ref={box} style={{ width: '100%', height: props.heightPx ?? 280 }} data-testid={props.testId} />;
}
